package org.xroadng.certs.acme;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * External account binding credentials (RFC 8555 section 7.3.4): a key id and an HMAC key the CA
 * operator hands to one member out of band. The HMAC key is a secret: it has no {@code toString}
 * of its value and compares in constant time.
 */
public final class EabCredentials {

    private final String keyId;
    private final byte[] hmacKey;

    public EabCredentials(String keyId, byte[] hmacKey) {
        if (keyId == null || !keyId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("an EAB key id is 1..64 characters of A-Z a-z 0-9 _ -");
        }
        if (hmacKey == null || hmacKey.length < 32 || hmacKey.length > 64) {
            throw new IllegalArgumentException("an EAB HMAC key is 32..64 bytes, not "
                    + (hmacKey == null ? "missing" : hmacKey.length));
        }
        this.keyId = keyId;
        this.hmacKey = hmacKey.clone();
    }

    /** Credentials as operators exchange them: the key id and the HMAC key in base64url (no padding). */
    public static EabCredentials parse(String keyId, String hmacKeyBase64Url) {
        Objects.requireNonNull(hmacKeyBase64Url, "hmacKey");
        byte[] key;
        try {
            key = Base64.getUrlDecoder().decode(hmacKeyBase64Url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the EAB HMAC key is not base64url: " + e.getMessage(), e);
        }
        return new EabCredentials(keyId, key);
    }

    public String keyId() {
        return keyId;
    }

    public byte[] hmacKey() {
        return hmacKey.clone();
    }

    /** The HMAC key in base64url without padding, to hand to the member. */
    public String hmacKeyText() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmacKey);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EabCredentials o && keyId.equals(o.keyId) && MessageDigest.isEqual(hmacKey, o.hmacKey);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "EabCredentials[" + keyId + ", hmac key hidden]";
    }
}
