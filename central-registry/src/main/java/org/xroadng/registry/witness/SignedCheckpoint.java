package org.xroadng.registry.witness;

import java.util.Objects;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.id.XRoadId;

/**
 * A checkpoint whose JWS verified and whose signer's certificate is trusted (see
 * {@link CheckpointVerifier#verifySignature}); whether the signer may speak for the origin is not
 * yet decided.
 *
 * @param jws    the compact JWS as submitted
 * @param signer the member named by the signing certificate
 */
public record SignedCheckpoint(Checkpoint checkpoint, String jws, XRoadId signer) {

    public SignedCheckpoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(jws, "jws");
        Objects.requireNonNull(signer, "signer");
    }
}
