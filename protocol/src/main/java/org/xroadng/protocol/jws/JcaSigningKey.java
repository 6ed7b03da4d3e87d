package org.xroadng.protocol.jws;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * A {@link SigningKey} over a JCA private key held in memory by a token, signing through an
 * explicitly given provider (Bouncy Castle in production: JDK 17's SunEC is several times slower).
 */
public final class JcaSigningKey implements SigningKey {

    private final String keyId;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Provider provider;

    public JcaSigningKey(String keyId, PrivateKey privateKey, PublicKey publicKey, Provider provider) {
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) throws SigningException {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA", provider);
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new SigningException("signing with key " + keyId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + "]";
    }
}
