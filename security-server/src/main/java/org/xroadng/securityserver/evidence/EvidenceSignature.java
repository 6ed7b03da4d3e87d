package org.xroadng.securityserver.evidence;

import java.security.Provider;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.securityserver.message.BatchMessageVerifier;
import org.xroadng.securityserver.message.BatchSignature;
import org.xroadng.securityserver.message.MessageVerificationException;

/**
 * Reads a bundled message signature in either form (DESIGN.md section 6) down to the JWS that
 * carries the signer's certificate and the summary bytes it covers. A compact JWS must verify with
 * its {@code x5c} key and covers its payload. A batch signature ({@link BatchSignature}) must
 * decode, its root JWS must verify and be marked as a batch root, and its salted leaf and
 * inclusion path must lead to the signed root; it covers the leaf's summary. The certificate is
 * judged afterwards, by the caller, on the returned JWS.
 */
final class EvidenceSignature {

    /** A signature that verified: the JWS with the signer's chain and OCSP response, and the signed summary. */
    record Read(VerifiedJws jws, byte[] summary, String fact) {
    }

    /** Why a signature did not verify; {@link #part()} is appended to the message part ({@code request} or {@code response}). */
    static final class Failure extends Exception {
        private final String part;

        Failure(String part, String message) {
            super(message);
            this.part = part;
        }

        String part() {
            return part;
        }
    }

    private final JwsVerifier plain;
    private final JwsVerifier roots;

    EvidenceSignature(JwsVerifier plain, Provider provider) {
        this.plain = plain;
        this.roots = new JwsVerifier(provider, BatchSignature.CRITICAL);
    }

    Read read(String signature) throws Failure {
        if (!BatchSignature.isBatch(signature)) {
            try {
                VerifiedJws jws = plain.verify(signature);
                return new Read(jws, jws.payload(), null);
            } catch (JwsVerificationException e) {
                throw new Failure(".signature", "the JWS does not verify: " + e.getMessage());
            }
        }
        BatchSignature.Decoded decoded;
        try {
            decoded = BatchSignature.decode(signature);
        } catch (MessageVerificationException e) {
            throw new Failure(".signature", "the batch signature cannot be read: " + e.getMessage());
        }
        BatchMessageVerifier.VerifiedRoot root;
        try {
            root = BatchMessageVerifier.verifyRoot(roots, decoded.rootJws());
        } catch (MessageVerificationException e) {
            throw new Failure(".signature.root", e.getMessage());
        }
        try {
            BatchSignature.checkInclusion(decoded.leaf(), root.root());
        } catch (MessageVerificationException e) {
            throw new Failure(".signature.path", e.getMessage());
        }
        return new Read(root.jws(), decoded.leaf().summary(), "leaf " + decoded.leaf().index() + " of a batch of "
                + root.root().size() + " under one signed root");
    }
}
