package org.xroadng.securityserver.log;

import java.util.concurrent.CompletableFuture;

/**
 * Where a server keeps every signed request and response as evidence (DESIGN.md section 6,
 * Message log). The seam for the message log: a server releases a response to its information
 * system only after the future completes, that is once the records are durable.
 */
public interface MessageLog {

    /** A log that keeps nothing; for servers run without evidence keeping. */
    MessageLog NONE = record -> CompletableFuture.completedFuture(null);

    /** Stores one exchange as seen by this server; completes when it is durable. */
    CompletableFuture<Void> append(ExchangeRecord record);
}
