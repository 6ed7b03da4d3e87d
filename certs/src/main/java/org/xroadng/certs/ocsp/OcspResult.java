package org.xroadng.certs.ocsp;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified OCSP answer for one certificate (RFC 6960 section 4.2.1).
 *
 * @param nextUpdate     null when the responder gave none
 * @param revocationTime null unless {@code status} is REVOKED
 * @param encoded        the whole DER {@code OCSPResponse}, to be carried as evidence
 */
public record OcspResult(Status status, Instant thisUpdate, Instant nextUpdate, Instant revocationTime,
                         byte[] encoded) {

    public enum Status { GOOD, REVOKED, UNKNOWN }

    public OcspResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(encoded, "encoded");
        encoded = encoded.clone();
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }
}
