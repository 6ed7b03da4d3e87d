package org.xroadng.securityserver.log;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;

/**
 * The AES-256 key that encrypts message bodies at rest. It lives in the server's token (a PIN-
 * protected PKCS#12 SecretKeyEntry) and only in memory otherwise. A secret: {@link #toString()}
 * reveals nothing and {@link #equals} compares in constant time.
 */
public final class MessageLogKey {

    /** The token alias under which the server keeps its message log key. */
    public static final String DEFAULT_ALIAS = "messagelog-aes256";

    private static final int LENGTH = 32;

    private final byte[] bytes;

    private MessageLogKey(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A key from 32 raw bytes (copied); any other length is refused. */
    public static MessageLogKey of(byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new IllegalArgumentException("a message log key is " + LENGTH + " bytes (AES-256), got "
                    + (raw == null ? "none" : raw.length));
        }
        return new MessageLogKey(raw.clone());
    }

    /**
     * The key stored in {@code token} under {@code alias}, generated and saved in the token on
     * first use. An existing key is never replaced, so bodies written earlier stay readable.
     */
    public static MessageLogKey fromToken(SoftwareToken token, String alias) throws TokenException {
        Optional<SecretKey> stored = token.secretKey(alias);
        SecretKey key = stored.isPresent() ? stored.get() : token.generateSecretKey(alias);
        return of(key.getEncoded());
    }

    /** The key for a JCA cipher; a fresh object each time. */
    SecretKey secretKey() {
        return new SecretKeySpec(bytes, "AES");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MessageLogKey key && MessageDigest.isEqual(bytes, key.bytes);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "MessageLogKey[****]";
    }

    /** Overwrites the key bytes; the key is unusable afterwards. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }
}
