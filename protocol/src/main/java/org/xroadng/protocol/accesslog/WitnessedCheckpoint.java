package org.xroadng.protocol.accesslog;

import java.time.Instant;
import java.util.Objects;

/**
 * A checkpoint the registry's witness accepted, as {@code GET /witness/checkpoints/{serverId}}
 * answers it (JSON {@code {"checkpoint", "timestamp", "size", "rootHash", "witnessedAt"}}); with
 * {@code ?size=N} it answers the accepted checkpoint of exactly that size. {@code size} and
 * {@code rootHash} repeat the JWS payload's so a reader need not parse the JWS to compare roots.
 */
public record WitnessedCheckpoint(String checkpoint, String timestamp, long size, String rootHash,
                                  Instant witnessedAt) {

    public WitnessedCheckpoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(timestamp, "timestamp");
        if (size < 0) {
            throw new IllegalArgumentException("size is " + size + "; expected 0 or more");
        }
        Checkpoint.decodeHash(rootHash, "rootHash");
        Objects.requireNonNull(witnessedAt, "witnessedAt");
    }
}
