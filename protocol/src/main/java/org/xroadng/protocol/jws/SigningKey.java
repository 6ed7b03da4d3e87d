package org.xroadng.protocol.jws;

import java.security.PublicKey;

/**
 * A private key that stays inside its token; callers get signatures, never the key.
 *
 * <p>Security guarantees: {@link #sign} produces an ECDSA P-256 signature over SHA-256 of the
 * data (FIPS 186-4, DER-encoded {@code Ecdsa-Sig-Value} as in RFC 3279 section 2.2.3) that
 * verifies with {@link #publicKey()}. The key is addressed by {@link #keyId()} and is never exposed.
 */
public interface SigningKey {

    /** The token's identifier for this key. */
    String keyId();

    /** The public half of the key. */
    PublicKey publicKey();

    /** Signs {@code data} with SHA256withECDSA; returns the DER-encoded signature. */
    byte[] sign(byte[] data) throws SigningException;

    /** Signs {@code length} bytes of {@code data} from {@code offset}, as {@link #sign(byte[])} signs a whole array. */
    default byte[] sign(byte[] data, int offset, int length) throws SigningException {
        return sign(java.util.Arrays.copyOfRange(data, offset, offset + length));
    }
}
