package org.xroadng.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Key generation: ECDSA P-256 (secp256r1), the only key type the profiles allow (DESIGN.md section 4). */
public final class Keys {

    private Keys() {
    }

    public static KeyPair generateP256(Provider provider, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("provider " + provider.getName() + " cannot generate P-256 keys", e);
        }
    }
}
