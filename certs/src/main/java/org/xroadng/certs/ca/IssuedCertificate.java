package org.xroadng.certs.ca;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A certificate in the CA's records.
 *
 * @param kind      {@code sign}, {@code auth}, {@code ocsp} or {@code tsa}
 * @param identity  the X-Road identifier it certifies, or the trust service it serves
 * @param revokedAt null while the certificate is good
 * @param reason    null while the certificate is good
 */
public record IssuedCertificate(BigInteger serial, String kind, String identity, X509Certificate certificate,
                                Instant issuedAt, Instant revokedAt, RevocationReason reason) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public String serialHex() {
        return serial.toString(16);
    }
}
