package org.xroadng.securityserver.log;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;

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

    /**
     * An exchange the provider's security server refused ({@code refusal} is the error type its
     * answer named in {@code X-Road-Error}, such as {@code Server.ServerProxy.AccessDenied}), seen
     * by the consumer's server: {@code attempt} has no response signature. The refusal is not signed
     * evidence, so the message log keeps nothing; an access log records the attempt, so a citizen
     * also sees who tried and was refused. Completes when that is durable; nothing by default.
     */
    default CompletableFuture<Void> refused(ExchangeRecord attempt, String refusal) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * An access to personal data that is no exchange: an oversight role reading restricted events
     * (DESIGN.md section 7), {@code access} naming whose. The message log keeps nothing; an access
     * log records it with the outcome of {@code access.status()}, so the citizen sees the reading.
     * Completes when that is durable; nothing by default.
     */
    default CompletableFuture<Void> accessed(ExchangeRecord access) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Refuses to take new exchanges while the log could not keep them as evidence because their
     * time-stamps are overdue. The proxies ask before doing any work, so a refused exchange never
     * reaches the provider's information system. Accepts by default.
     */
    default void checkAccepting() throws TimestampingOverdueException {
    }

    /**
     * Why the log cannot keep exchanges at all now (a writer stopped, storage that cannot be read
     * back after a failure), or empty while it can. The proxies refuse new exchanges while it says
     * so, before doing any work; the server's status reports it. Empty by default.
     */
    default Optional<String> unavailable() {
        return Optional.empty();
    }
}
