package org.xroadng.securityserver.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xroadng.protocol.crypto.Digests;
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
 * <p>The root cache holds the last {@value #ROOT_CACHE_LIMIT} roots verified, keyed by the SHA-256
 * of the whole root JWS (header, payload and signature): a cached entry vouches only for those exact
 * bytes having verified with the key of their own {@code x5c}. The messages of one batch arrive
 * within milliseconds of each other, so a small cache serves them all; each entry holds a parsed
 * JWS with its certificate chain, kilobytes, and a cache of many seconds' roots had the collector
 * copy tens of megabytes at every young collection (p99 at a fixed load rose by 100 ms and more).
 * The oldest entry goes first.
 */
public final class BatchMessageVerifier implements MessageVerifier {

    static final int ROOT_CACHE_LIMIT = 1_024;

    /** A root JWS whose signature verified with its {@code x5c} key, and its signed claims; its certificate is not yet judged. */
    public record VerifiedRoot(VerifiedJws jws, BatchSignature.Root root) {
    }

    private final SingleMessageVerifier single;
    private final JwsVerifier rootVerifier;
    private final Map<ByteBuffer, VerifiedRoot> roots = new ConcurrentHashMap<>();
    /** The cached keys in the order they came, as a ring: slot {@code n % limit} holds the n-th. */
    private final AtomicReferenceArray<ByteBuffer> order = new AtomicReferenceArray<>(ROOT_CACHE_LIMIT);
    private final AtomicLong cached = new AtomicLong();

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
        if (roots.putIfAbsent(key, verified) == null) {
            int slot = (int) (cached.getAndIncrement() % ROOT_CACHE_LIMIT);
            ByteBuffer oldest = order.getAndSet(slot, key);
            if (oldest != null && !oldest.equals(key)) {
                roots.remove(oldest);
            }
        }
        return verified;
    }

    /** How many verified roots the cache holds. */
    int cachedRoots() {
        return roots.size();
    }

    /** Whether the cache holds the root JWS {@code rootJws}. */
    boolean caches(String rootJws) {
        return roots.containsKey(ByteBuffer.wrap(sha256(rootJws)));
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
        return Digests.sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
