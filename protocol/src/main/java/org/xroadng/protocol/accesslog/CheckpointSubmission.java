package org.xroadng.protocol.accesslog;

import java.util.List;
import java.util.Objects;

/**
 * What a security server posts to {@code POST /witness/checkpoints} (DESIGN.md section 5), as JSON
 * {@code {"checkpoint", "timestamp", "fromSize", "consistency"}}.
 *
 * @param checkpoint  the compact JWS of a {@link Checkpoint} (see {@link CheckpointCodec})
 * @param timestamp   base64 (RFC 4648 section 4) DER RFC 3161 TimeStampToken over the SHA-256 of
 *                    the checkpoint JWS's ASCII bytes, by an approved TSA
 * @param fromSize    the size of the last checkpoint the witness accepted from this server (as
 *                    {@code GET /witness/checkpoints/{serverId}} reports it), 0 if none
 * @param consistency the RFC 9162 section 2.1.4 consistency proof from {@code fromSize} to the new
 *                    size, base64url hashes; empty when {@code fromSize} is 0 or equals the size
 */
public record CheckpointSubmission(String checkpoint, String timestamp, long fromSize, List<String> consistency) {

    public CheckpointSubmission {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(timestamp, "timestamp");
        if (fromSize < 0) {
            throw new IllegalArgumentException("fromSize is " + fromSize + "; expected 0 or more");
        }
        consistency = List.copyOf(consistency);
    }
}
