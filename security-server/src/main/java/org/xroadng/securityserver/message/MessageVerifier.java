package org.xroadng.securityserver.message;

import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * Verifies a peer's message signature, the {@code X-Road-Signature} of a request or a response
 * (DESIGN.md section 6).
 *
 * <h2>Security guarantees</h2>
 * A {@link Verified} is returned only when all of these hold, checked in this order: the signature
 * is a compact JWS (RFC 7515 section 7.1) with algorithm ES256 (RFC 7518 section 3.4; {@code none},
 * HMAC and every other algorithm refused before any cryptography) and no critical header parameters
 * (RFC 7515 section 4.1.11); it verifies with the P-256 key of the first certificate of its
 * {@code x5c} chain (RFC 7515 section 4.1.6); it carries an OCSP response in the protected
 * parameter {@code ocsp}; that certificate is valid now, chains to a CA approved in {@code trusted}
 * (RFC 5280 section 6), fits the member signing profile (key usage, one {@code urn:xroad:member:}
 * name), and the carried response (RFC 6960) is signed for its CA, says {@code good} and is no older
 * than the configuration's {@code ocspFreshnessSeconds}; the payload is a well-formed summary of
 * the requested type. An implementation may remember a certificate check, but not past the moment
 * its OCSP response turns stale or the certificate expires, nor into another configuration version.
 * {@link Verified#signer()} is the member the certificate names. Otherwise a
 * {@link MessageVerificationException} says which kind of check failed; the caller chooses the
 * wire error, and compares the summary with what it received itself.
 *
 * <h2>Single and batch signatures</h2>
 * Verification needs nothing but the message and the configuration, so it answers at once, also
 * for batch signatures (DESIGN.md section 6): a batch verifier checks the message's inclusion path
 * from its salted leaf to the root (domain-separated hashing, path length before any hashing) and
 * the root's signature as above, remembering verified roots. {@link SingleMessageVerifier} checks
 * a plain signature.
 */
public interface MessageVerifier {

    <T extends MessageSummary> Verified<T> verify(String compactJws, Class<T> summaryType, TrustedConfiguration trusted)
            throws MessageVerificationException;

    /** A verified signature: the signing member and the signed summary. */
    record Verified<T>(MemberId signer, T summary, VerifiedJws jws) {
    }
}
