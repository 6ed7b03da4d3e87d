package org.xroadng.certs.ocsp;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Where an OCSP responder learns the status of the certificates its CA issued: the CA's own
 * database. Implementations are thread-safe.
 */
public interface CertificateStatusSource {

    /** The status of the certificate with this serial number, or empty if the CA never issued it. */
    Optional<IssuedStatus> statusOf(BigInteger serialNumber);

    /**
     * What the CA knows of one certificate it issued.
     *
     * @param revokedAt        null unless revoked
     * @param revocationReason an RFC 5280 CRLReason code (section 5.3.1); meaningful only when revoked
     */
    record IssuedStatus(boolean revoked, java.time.Instant revokedAt, int revocationReason) {

        public static IssuedStatus good() {
            return new IssuedStatus(false, null, 0);
        }

        public static IssuedStatus revoked(java.time.Instant at, int reason) {
            return new IssuedStatus(true, java.util.Objects.requireNonNull(at, "at"), reason);
        }
    }
}
