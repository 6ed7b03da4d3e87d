package org.xroadng.certs.token;

import java.io.IOException;
import java.nio.file.Files;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import org.bouncycastle.asn1.x500.X500Name;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/**
 * A token in a hardware security module, reached through its PKCS#11 module (PKCS#11 v2.40) by
 * the JDK's SunPKCS11 provider. The provider is configured for this one token when it is opened
 * ({@link Provider#configure}) and handed only to this token's keys: nothing is registered with
 * {@link Security}, so no other code sees or selects it.
 *
 * <h2>Security guarantees</h2>
 * Keys are generated inside the token as private, sensitive, non-extractable token objects
 * (CKA_PRIVATE, CKA_SENSITIVE, CKA_EXTRACTABLE false: PKCS#11 v2.40 section 4.9), so neither this
 * code nor anyone with the PIN can read or wrap them out; every signature is computed by the token
 * (CKM_ECDSA over a SHA-256 hash computed here, the same signature as SHA256withECDSA). The token
 * is logged in with its PIN when opened (C_Login as CKU_USER); a wrong PIN, a missing module, a
 * removed or full token are {@link TokenException}s whose one-line message says which.
 * Keys are found as the JDK's PKCS#11 key store finds them: a private key with a certificate of
 * the same CKA_ID, labelled with the key id; the placeholder certificate stored at generation
 * keeps every key visible until a CA's certificate replaces it. Thread-safe.
 */
public final class Pkcs11Token implements KeyToken {

    private static final String KEY_STORE = "PKCS11";

    private final Pkcs11Slot slot;
    private final Provider provider;
    private final KeyStore store;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, SigningKey> signers = new ConcurrentHashMap<>();

    private Pkcs11Token(Pkcs11Slot slot, Provider provider, KeyStore store, SecureRandom random, Clock clock) {
        this.slot = slot;
        this.provider = provider;
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    /**
     * Loads the slot's module, finds its token and logs in with {@code pin}. The PIN is not kept:
     * the login lasts as long as the module is loaded.
     */
    public static Pkcs11Token open(Pkcs11Slot slot, Pin pin, SecureRandom random, Clock clock) throws TokenException {
        Objects.requireNonNull(slot, "slot");
        if (!Files.isRegularFile(slot.module())) {
            throw new TokenException("PKCS#11 module " + slot.module() + " of token " + slot.id()
                    + " does not exist; install the HSM's PKCS#11 library or correct the token's module path");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new TokenException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki);"
                    + " token " + slot.id() + " cannot be reached");
        }
        Provider provider;
        try {
            provider = base.configure(slot.sunPkcs11Config());
        } catch (ProviderException | IllegalArgumentException e) {
            throw new TokenException("cannot use PKCS#11 module " + slot.module() + " for token " + slot.id() + ": "
                    + reason(e), e);
        }
        try {
            AuthProvider auth = (AuthProvider) provider;
            Pin kept = Pin.of(pin.chars());
            // Logs in again whenever the module asks (after another opening in this process logged out, or
            // after the token was re-inserted), so signing on the hot path never meets a logged-out token.
            auth.setCallbackHandler(callbacks -> {
                for (Callback callback : callbacks) {
                    if (!(callback instanceof PasswordCallback password)) {
                        throw new UnsupportedCallbackException(callback, "only the token PIN is known");
                    }
                    password.setPassword(kept.chars());
                }
            });
            // The login state belongs to the whole process (PKCS#11 v2.40 section 5.6): log out first, so
            // that the PIN given here is checked even when this process has already logged in to the token.
            auth.logout();
            KeyStore store = KeyStore.getInstance(KEY_STORE, provider);
            store.load(null, pin.chars());
            return new Pkcs11Token(slot, provider, store, random, clock);
        } catch (IOException | GeneralSecurityException | ProviderException e) {
            throw new TokenException("cannot log in to token " + slot.id() + ": " + reason(e), e);
        }
    }

    public Pkcs11Slot slot() {
        return slot;
    }

    @Override
    public String name() {
        return slot.id();
    }

    @Override
    public synchronized String generateKey() throws TokenException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", provider);
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            PublicKey publicKey = portable(pair.getPublic());
            String keyId = SoftwareToken.keyId(publicKey);
            SigningKey self = new Pkcs11SigningKey(keyId, pair.getPrivate(), publicKey);
            X509Certificate placeholder = X509Issuer.selfSigned(new X500Name("CN=" + keyId + ",O=placeholder"),
                    CertificateKind.MEMBER_SIGN, self, Duration.ofDays(3650), clock, random);
            store.setKeyEntry(keyId, pair.getPrivate(), null, new Certificate[] {placeholder});
            return keyId;
        } catch (GeneralSecurityException | ProviderException | IllegalStateException e) {
            throw new TokenException("cannot generate a key in token " + slot.id() + ": " + reason(e), e);
        }
    }

    @Override
    public SigningKey signingKey(String keyId) throws TokenException {
        SigningKey cached = signers.get(keyId);
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            try {
                if (!store.entryInstanceOf(keyId, KeyStore.PrivateKeyEntry.class)) {
                    throw unknownKey(keyId);
                }
                PrivateKey key = (PrivateKey) store.getKey(keyId, null);
                SigningKey signer = new Pkcs11SigningKey(keyId, key, portable(store.getCertificate(keyId).getPublicKey()));
                signers.put(keyId, signer);
                return signer;
            } catch (GeneralSecurityException | ProviderException e) {
                throw new TokenException("cannot load key " + keyId + " from token " + slot.id() + ": " + reason(e), e);
            }
        }
    }

    @Override
    public synchronized List<TokenKey> keys() throws TokenException {
        try {
            List<String> aliases = Collections.list(store.aliases());
            Collections.sort(aliases);
            List<TokenKey> keys = new ArrayList<>();
            for (String alias : aliases) {
                if (store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
                    keys.add(key(alias));
                }
            }
            return keys;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new TokenException("cannot list the keys of token " + slot.id() + ": " + reason(e), e);
        }
    }

    @Override
    public synchronized TokenKey key(String keyId) throws TokenException {
        try {
            Certificate[] chain = store.getCertificateChain(keyId);
            if (chain == null) {
                throw unknownKey(keyId);
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : chain) {
                certificates.add((X509Certificate) c);
            }
            return new TokenKey(keyId, portable(certificates.get(0).getPublicKey()), certificates);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new TokenException("cannot read key " + keyId + " of token " + slot.id() + ": " + reason(e), e);
        }
    }

    @Override
    public synchronized void importCertificate(String keyId, List<X509Certificate> chain) throws TokenException {
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new TokenException("no certificate given for key " + keyId);
        }
        TokenKey existing = key(keyId);
        if (!SoftwareToken.keyId(chain.get(0).getPublicKey()).equals(SoftwareToken.keyId(existing.publicKey()))) {
            throw new TokenException("certificate " + chain.get(0).getSubjectX500Principal()
                    + " is for another key; key " + keyId + " has a different public key");
        }
        try {
            PrivateKey key = (PrivateKey) store.getKey(keyId, null);
            store.setKeyEntry(keyId, key, null, chain.toArray(Certificate[]::new));
        } catch (GeneralSecurityException | ProviderException e) {
            throw new TokenException("cannot store the certificate of key " + keyId + " in token " + slot.id() + ": "
                    + reason(e), e);
        }
    }

    /**
     * Destroys the key's private key and certificate objects in the token (C_DestroyObject,
     * PKCS#11 v2.40 section 5.7), through the JDK's PKCS#11 key store. Signing keys handed out
     * before fail from then on with a message that the key is no longer in the token.
     */
    @Override
    public synchronized void deleteKey(String keyId) throws TokenException {
        try {
            if (!store.entryInstanceOf(keyId, KeyStore.PrivateKeyEntry.class)) {
                throw unknownKey(keyId);
            }
            store.deleteEntry(keyId);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new TokenException("cannot delete key " + keyId + " from token " + slot.id() + ": " + reason(e), e);
        } finally {
            signers.remove(keyId);
        }
    }

    /** The public key as a plain X.509 key, independent of the token's provider. */
    private static PublicKey portable(PublicKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    private TokenException unknownKey(String keyId) {
        return new TokenException("token " + slot.id() + " has no key " + keyId);
    }

    /**
     * One line saying why a PKCS#11 call failed: the PKCS#11 return value (CKR_..., PKCS#11 v2.40
     * section 5.1) named in words where an operator can act on it, else the innermost message.
     */
    static String reason(Throwable failure) {
        String ckr = null;
        String innermost = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null) {
                innermost = message;
                int at = message.indexOf("CKR_");
                if (at >= 0 && ckr == null) {
                    int end = at;
                    while (end < message.length() && (Character.isLetterOrDigit(message.charAt(end))
                            || message.charAt(end) == '_')) {
                        end++;
                    }
                    ckr = message.substring(at, end);
                }
            }
        }
        if (ckr == null) {
            String line = innermost == null ? failure.getClass().getSimpleName() : innermost;
            if (line.contains("Token has been removed")) {
                return "the token has been removed (insert it again, or correct the slot)";
            }
            int newline = line.indexOf('\n');
            return newline < 0 ? line : line.substring(0, newline);
        }
        return switch (ckr) {
            case "CKR_PIN_INCORRECT" -> "wrong PIN (CKR_PIN_INCORRECT)";
            case "CKR_PIN_LOCKED" -> "the PIN is locked after too many wrong attempts (CKR_PIN_LOCKED);"
                    + " the security officer must unlock it";
            case "CKR_PIN_EXPIRED" -> "the PIN has expired (CKR_PIN_EXPIRED); set a new one with the HSM's tools";
            case "CKR_TOKEN_NOT_PRESENT", "CKR_DEVICE_REMOVED" ->
                    "the token has been removed (" + ckr + "); insert it again, or correct the slot";
            case "CKR_SLOT_ID_INVALID" -> "no such slot (CKR_SLOT_ID_INVALID); list the slots with the HSM's tools";
            case "CKR_DEVICE_MEMORY", "CKR_HOST_MEMORY" -> "the token is full (" + ckr + "); delete unused keys or"
                    + " use another token";
            case "CKR_TOKEN_NOT_RECOGNIZED" -> "the token is not initialised (CKR_TOKEN_NOT_RECOGNIZED)";
            case "CKR_USER_PIN_NOT_INITIALIZED" -> "the token's user PIN is not set (CKR_USER_PIN_NOT_INITIALIZED)";
            default -> ckr;
        };
    }

    /**
     * A key inside the token. SHA-256 is computed here and the token signs the hash (CKM_ECDSA,
     * PKCS#11 v2.40 section 2.3.6): the same DER signature as SHA256withECDSA, with only 32 bytes
     * crossing into the module per signature.
     */
    private final class Pkcs11SigningKey implements SigningKey {
        private final String keyId;
        /** The key's handle in the token; found again after a new login (handles of private objects lapse). */
        private volatile PrivateKey key;
        private final PublicKey publicKey;
        private final String token;

        Pkcs11SigningKey(String keyId, PrivateKey key, PublicKey publicKey) {
            this.keyId = keyId;
            this.key = key;
            this.publicKey = publicKey;
            this.token = slot.id();
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
            return sign(data, 0, data.length);
        }

        /**
         * Signs inside the token. When the module answers that the session is not logged in or the
         * key's handle is no longer valid (another opening of this token in the process logged out,
         * or the token was re-inserted), logs in again with the PIN given when the token was opened,
         * finds the key again by its id and signs once more.
         */
        @Override
        public byte[] sign(byte[] data, int offset, int length) throws SigningException {
            MessageDigest sha256;
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (GeneralSecurityException e) {
                throw new SigningException("this Java runtime has no SHA-256: " + e.getMessage(), e);
            }
            sha256.update(data, offset, length);
            byte[] hash = sha256.digest();
            try {
                return signHash(hash);
            } catch (GeneralSecurityException | ProviderException e) {
                String reason = reason(e);
                if (!reason.contains("CKR_USER_NOT_LOGGED_IN") && !reason.contains("HANDLE_INVALID")) {
                    throw new SigningException("signing with key " + keyId + " in token " + token + " failed: "
                            + reason, e);
                }
                try {
                    synchronized (Pkcs11Token.this) {
                        ((AuthProvider) provider).login(null, null);
                        key = (PrivateKey) store.getKey(keyId, null);
                    }
                    if (key == null) {
                        throw new SigningException("key " + keyId + " is no longer in token " + token, e);
                    }
                    return signHash(hash);
                } catch (GeneralSecurityException | ProviderException again) {
                    throw new SigningException("signing with key " + keyId + " in token " + token + " failed after"
                            + " logging in again: " + reason(again), again);
                }
            }
        }

        private byte[] signHash(byte[] hash) throws GeneralSecurityException {
            Signature signature = Signature.getInstance("NONEwithECDSA", provider);
            signature.initSign(key);
            signature.update(hash);
            return signature.sign();
        }

        @Override
        public String toString() {
            return "SigningKey[" + keyId + " in " + token + "]";
        }
    }
}
