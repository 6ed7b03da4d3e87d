package org.xroadng.securityserver.accesslog;

import org.xroadng.protocol.accesslog.Checkpoint;

/**
 * Signs and timestamps checkpoints (DESIGN.md section 7): the JWS is made by the server owner's
 * signing key and carries a fresh OCSP response for its certificate; the timestamp is an RFC 3161
 * token over the SHA-256 of the JWS's ASCII bytes from an approved TSA.
 */
public interface CheckpointSigner {

    /** A signed, timestamped checkpoint: compact JWS and base64 DER timestamp token. */
    record Signed(String checkpoint, String timestamp) {
    }

    Signed sign(Checkpoint checkpoint) throws CheckpointException;
}
