package org.xroadng.certs.tsa;

import org.bouncycastle.tsp.TimeStampToken;

/**
 * Obtains an RFC 3161 time-stamp token for a SHA-256 digest.
 *
 * <p>Security guarantees: a returned token has been verified as {@link TimestampVerifier} does it:
 * its message imprint is SHA-256 and equals {@code sha256Digest}, it is signed by the one TSA
 * certificate the implementation trusts (matched by SignerIdentifier and ESSCertIDv2, RFC 5816),
 * that certificate carries the critical id-kp-timeStamping EKU only (RFC 3161 section 2.3), and
 * genTime lies within its validity. Implementations that send a nonce (RFC 3161 section 2.4.1)
 * also guarantee the token carries it back, so the token is fresh and not a replay. Anything else,
 * including a TSA that refuses (section 2.4.2) or cannot be reached, is a {@link TimestampException}
 * and never a token.
 */
public interface Timestamper {

    /**
     * @param sha256Digest the 32-byte SHA-256 digest of the data to time-stamp
     * @throws IllegalArgumentException if the digest is not 32 bytes
     */
    TimeStampToken timestamp(byte[] sha256Digest) throws TimestampException;
}
