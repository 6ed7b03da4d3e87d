package org.xroadng.certs.ocsp;

import java.security.cert.X509Certificate;

/**
 * Answers whether a certificate is revoked, by OCSP (RFC 6960).
 *
 * <p>Guarantees: a returned result was signed by the issuer or by a responder the issuer delegated
 * to (id-kp-OCSPSigning), names this certificate, and is fresh: its {@code thisUpdate} is no
 * older than the configured freshness and its {@code nextUpdate}, if any, has not passed, both by
 * the injected {@link java.time.Clock}. Anything else is an {@link OcspException}.
 */
public interface RevocationChecker {

    OcspResult check(X509Certificate certificate, X509Certificate issuer) throws OcspException;
}
