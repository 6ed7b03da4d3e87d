package org.xroadng.certs.tsa;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * A time-stamp token that {@link TimestampVerifier} accepted: signed by the trusted TSA over the
 * expected SHA-256 digest.
 *
 * @param genTime      when the TSA says the digest existed (RFC 3161 section 2.4.2, TSTInfo.genTime)
 * @param serialNumber the TSA's serial number for the token, unique per TSA
 */
public record VerifiedTimestamp(TimeStampToken token, Instant genTime, BigInteger serialNumber) {

    public VerifiedTimestamp {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(genTime, "genTime");
        Objects.requireNonNull(serialNumber, "serialNumber");
    }
}
