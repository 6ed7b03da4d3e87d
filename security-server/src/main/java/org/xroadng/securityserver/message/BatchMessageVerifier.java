package org.xroadng.securityserver.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.message.MessageVerificationException.Reason;

/**
 * A {@link MessageVerifier} for both forms of a message signature: a compact JWS goes to
 * {@link SingleMessageVerifier} unchanged; the batch form ({@link BatchSignature}) is checked in
 * this order: its shape; the root JWS (ES256 with the {@code x5c} key, its {@code crit}
 * {@value BatchSignature#ROOT_PARAM} present and understood, payload exactly the root claims),
 * remembered once verified; the leaf index below the signed size and the path length; the salted
 * leaf and path leading to the signed root; then the signer's certificate and carried OCSP
 * response exactly as for a plain signature (never taken from the root cache); then the summary.
 *
 * <p>The root cache holds at most {@value #ROOT_CACHE_LIMIT} roots, keyed by the SHA-256 of the
 * whole root JWS (header, payload and signature): a cached entry vouches only for those exact
 * bytes having verified with the key of their own {@code x5c}.
 */
public final class BatchMessageVerifier implements MessageVerifier {

    static final int ROOT_CACHE_LIMIT = 10_000;

    /** A root JWS whose signature verified with its {@code x5c} key, and its signed claims; its certificate is not yet judged. */
    public record VerifiedRoot(VerifiedJws jws, BatchSignature.Root root) {
    }

    private final SingleMessageVerifier single;
    private final JwsVerifier rootVerifier;
    private final Map<ByteBuffer, VerifiedRoot> roots = new ConcurrentHashMap<>();

    public BatchMessageVerifier(Provider provider, Clock clock) {
        this.single = new SingleMessageVerifier(provider, clock);
        this.rootVerifier = new JwsVerifier(provider, BatchSignature.CRITICAL);
    }

    @Override
    public <T extends MessageSummary> Verified<T> verify(String signature, Class<T> summaryType,
                                                         TrustedConfiguration trusted)
            throws MessageVerificationException {
        if (!BatchSignature.isBatch(signature)) {
            return single.verify(signature, summaryType, trusted);
        }
        BatchSignature.Decoded decoded = BatchSignature.decode(signature);
        VerifiedRoot root = root(decoded.rootJws());
        BatchSignature.checkInclusion(decoded.leaf(), root.root());
        MemberId signer = single.checkSigner(root.jws(), trusted);
        return new Verified<>(signer, SingleMessageVerifier.summary(decoded.leaf().summary(), summaryType), root.jws());
    }

    /** The verified root JWS and its claims, from the cache or checked now. */
    private VerifiedRoot root(String rootJws) throws MessageVerificationException {
        ByteBuffer key = ByteBuffer.wrap(sha256(rootJws));
        VerifiedRoot known = roots.get(key);
        if (known != null) {
            return known;
        }
        VerifiedRoot verified = verifyRoot(rootVerifier, rootJws);
        if (roots.size() >= ROOT_CACHE_LIMIT) {
            roots.clear();
        }
        roots.put(key, verified);
        return verified;
    }

    /**
     * Verifies a batch root JWS with {@code verifier} (one that understands only
     * {@link BatchSignature#CRITICAL}): the signature, the marker parameter, the root claims.
     */
    public static VerifiedRoot verifyRoot(JwsVerifier verifier, String rootJws) throws MessageVerificationException {
        VerifiedJws jws;
        try {
            jws = verifier.verify(rootJws);
        } catch (JwsVerificationException e) {
            throw new MessageVerificationException(Reason.INVALID_SIGNATURE, "the batch root signature is invalid: "
                    + e.getMessage());
        }
        requireRootMarker(jws);
        return new VerifiedRoot(jws, BatchSignature.parseRoot(jws.payload()));
    }

    /** Refuses a JWS that is not marked, critically, as a batch root (RFC 7515 section 4.1.11). */
    public static void requireRootMarker(VerifiedJws jws) throws MessageVerificationException {
        if (!BatchSignature.ROOT_PARAM_VALUE.equals(jws.param(BatchSignature.ROOT_PARAM))
                || jws.header().getCriticalParams() == null
                || !jws.header().getCriticalParams().contains(BatchSignature.ROOT_PARAM)) {
            throw new MessageVerificationException(Reason.INVALID_SIGNATURE, "the batch root signature is not marked"
                    + " as a batch root: expected the critical protected header parameter '"
                    + BatchSignature.ROOT_PARAM + "' = '" + BatchSignature.ROOT_PARAM_VALUE + "'");
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
