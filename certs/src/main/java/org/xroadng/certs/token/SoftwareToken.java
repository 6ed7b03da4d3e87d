package org.xroadng.certs.token;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.SigningKey;

/**
 * A software token: ECDSA P-256 keys in one PIN-protected PKCS#12 file (RFC 7292), addressed by
 * key id (the first 20 bytes of SHA-256 over the public key's SubjectPublicKeyInfo, in hex).
 *
 * <p>Guarantees: the file is only ever replaced whole (written beside it, then renamed), so a
 * crash leaves either the old or the new token; a wrong PIN is reported as such and changes
 * nothing; private keys never leave the token except as {@link SigningKey}s. Thread-safe.
 */
public final class SoftwareToken implements KeyToken {

    private static final String TYPE = "PKCS12";
    private static final int AES_256_BYTES = 32;

    private final Path file;
    private final Pin pin;
    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;
    private volatile KeyStore store;
    private final Map<String, SigningKey> signers = new ConcurrentHashMap<>();

    private SoftwareToken(Path file, Pin pin, Provider provider, SecureRandom random, Clock clock, KeyStore store) {
        this.file = file;
        this.pin = pin;
        this.provider = provider;
        this.random = random;
        this.clock = clock;
        this.store = store;
    }

    /** Creates a new, empty token file; refuses to overwrite an existing one. */
    public static SoftwareToken create(Path file, Pin pin, Provider provider, SecureRandom random, Clock clock)
            throws TokenException {
        if (Files.exists(file)) {
            throw new TokenException("token " + file + " already exists; open it, or choose another file");
        }
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, null);
            SoftwareToken token = new SoftwareToken(file, Pin.of(pin.chars()), provider, random, clock, store);
            token.save();
            return token;
        } catch (GeneralSecurityException | IOException e) {
            throw new TokenException("cannot create token " + file + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing token; a wrong PIN is a {@link TokenException} that says so. */
    public static SoftwareToken open(Path file, Pin pin, Provider provider, SecureRandom random, Clock clock)
            throws TokenException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TokenException("token " + file + " does not exist");
        } catch (IOException e) {
            throw new TokenException("cannot read token " + file + ": " + e.getMessage(), e);
        }
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(new ByteArrayInputStream(bytes), pin.chars());
            return new SoftwareToken(file, Pin.of(pin.chars()), provider, random, clock, store);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TokenException("wrong PIN for token " + file);
            }
            throw new TokenException("token " + file + " is not a readable PKCS#12 file: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TokenException("token " + file + " cannot be opened: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public String name() {
        return file.toString();
    }

    /**
     * Generates a P-256 key inside the token and returns its key id. Until a certificate is
     * imported, the key carries a self-signed placeholder certificate (PKCS#12 stores keys with
     * certificates).
     */
    @Override
    public synchronized String generateKey() throws TokenException {
        KeyPair pair = Keys.generateP256(provider, random);
        String keyId = keyId(pair.getPublic());
        SigningKey self = new JcaSigningKey(keyId, pair.getPrivate(), pair.getPublic(), provider);
        X509Certificate placeholder = X509Issuer.selfSigned(new X500Name("CN=" + keyId + ",O=placeholder"), CertificateKind.MEMBER_SIGN,
                self, Duration.ofDays(3650), clock, random);
        try {
            store.setKeyEntry(keyId, pair.getPrivate(), pin.chars(), new Certificate[] {placeholder});
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot store the new key: " + e.getMessage(), e);
        }
        save();
        return keyId;
    }

    /** The key with this id, as a signer. */
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
                PrivateKey stored = (PrivateKey) store.getKey(keyId, pin.chars());
                // Re-create the key under the signing provider so every signature avoids a conversion.
                PrivateKey key = KeyFactory.getInstance("EC", provider)
                        .generatePrivate(new PKCS8EncodedKeySpec(stored.getEncoded()));
                SigningKey signer = new JcaSigningKey(keyId, key, store.getCertificate(keyId).getPublicKey(), provider);
                signers.put(keyId, signer);
                return signer;
            } catch (GeneralSecurityException e) {
                throw new TokenException("cannot load key " + keyId + ": " + e.getMessage(), e);
            }
        }
    }

    /** Every key in the token, sorted by key id. */
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
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot list keys: " + e.getMessage(), e);
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
            return new TokenKey(keyId, certificates.get(0).getPublicKey(), certificates);
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot read key " + keyId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces a key's certificate chain with one issued by a CA. The first certificate must
     * certify this key's public key; otherwise nothing changes.
     */
    @Override
    public synchronized void importCertificate(String keyId, List<X509Certificate> chain) throws TokenException {
        Objects.requireNonNull(chain, "chain");
        if (chain.isEmpty()) {
            throw new TokenException("no certificate given for key " + keyId);
        }
        TokenKey existing = key(keyId);
        if (!chain.get(0).getPublicKey().equals(existing.publicKey())) {
            throw new TokenException("certificate " + chain.get(0).getSubjectX500Principal()
                    + " is for another key; key " + keyId + " has a different public key");
        }
        try {
            PrivateKey key = (PrivateKey) store.getKey(keyId, pin.chars());
            store.setKeyEntry(keyId, key, pin.chars(), chain.toArray(Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot store the certificate: " + e.getMessage(), e);
        }
        save();
    }

    /**
     * Deletes the key and its certificate chain, and saves the token; when the file cannot be
     * written the key stays, in the file and here.
     */
    @Override
    public synchronized void deleteKey(String keyId) throws TokenException {
        KeyStore.PasswordProtection protection = new KeyStore.PasswordProtection(pin.chars());
        KeyStore.Entry entry;
        try {
            if (!store.entryInstanceOf(keyId, KeyStore.PrivateKeyEntry.class)) {
                throw unknownKey(keyId);
            }
            entry = store.getEntry(keyId, protection);
            store.deleteEntry(keyId);
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot delete key " + keyId + ": " + e.getMessage(), e);
        }
        signers.remove(keyId);
        try {
            save();
        } catch (TokenException e) {
            try {
                store.setEntry(keyId, entry, protection);
            } catch (GeneralSecurityException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
    }

    /**
     * A JSSE key manager (for TLS client and server authentication) that presents this one key
     * and its certificate chain, and nothing else in the token. It is built from an in-memory
     * key store holding just that entry, so later changes to the token do not affect it.
     *
     * <p>The JDK's {@code SunX509} manager reads that entry once. The {@code PKIX} one would read
     * it again in every handshake, each time deriving the PKCS#12 entry's key from the PIN
     * (PBKDF2, many milliseconds of CPU): a burst of new connections then stalls every exchange.
     */
    public synchronized X509KeyManager keyManager(String keyId) throws TokenException {
        try {
            if (!store.entryInstanceOf(keyId, KeyStore.PrivateKeyEntry.class)) {
                throw unknownKey(keyId);
            }
            char[] password = pin.chars();
            KeyStore single = KeyStore.getInstance(TYPE);
            single.load(null, null);
            single.setKeyEntry(keyId, store.getKey(keyId, password), password, store.getCertificateChain(keyId));
            KeyManagerFactory factory = KeyManagerFactory.getInstance("SunX509");
            factory.init(single, password);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509KeyManager x509) {
                    return x509;
                }
            }
            throw new TokenException("the JSSE provider made no X.509 key manager for key " + keyId);
        } catch (GeneralSecurityException | IOException e) {
            throw new TokenException("cannot make a key manager for key " + keyId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The AES-256 secret key stored under {@code alias} (a PKCS#12 SecretKeyEntry protected by the
     * PIN), or empty when the token has no secret key by that name. Secret keys are not signing
     * keys: {@link #keys()} does not list them.
     */
    public synchronized Optional<SecretKey> secretKey(String alias) throws TokenException {
        try {
            if (!store.entryInstanceOf(alias, KeyStore.SecretKeyEntry.class)) {
                return Optional.empty();
            }
            byte[] encoded = store.getKey(alias, pin.chars()).getEncoded();
            if (encoded == null || encoded.length != AES_256_BYTES) {
                throw new TokenException("secret key " + alias + " in token " + file + " is not an AES-256 key");
            }
            return Optional.of(new SecretKeySpec(encoded, "AES"));
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot load secret key " + alias + ": " + e.getMessage(), e);
        }
    }

    /**
     * Generates a fresh AES-256 key from the token's random source, stores it under
     * {@code alias} and saves the token; refuses an alias that is already in use, so an existing
     * key (and whatever it encrypts) is never replaced.
     */
    public synchronized SecretKey generateSecretKey(String alias) throws TokenException {
        try {
            if (store.containsAlias(alias)) {
                throw new TokenException("token " + file + " already has an entry " + alias);
            }
            byte[] bytes = new byte[AES_256_BYTES];
            random.nextBytes(bytes);
            SecretKey key = new SecretKeySpec(bytes, "AES");
            store.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(pin.chars()));
            save();
            return key;
        } catch (GeneralSecurityException e) {
            throw new TokenException("cannot store secret key " + alias + ": " + e.getMessage(), e);
        }
    }

    /** The key id of a public key: hex of the first 20 bytes of SHA-256(SubjectPublicKeyInfo). */
    public static String keyId(PublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 20);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private TokenException unknownKey(String keyId) {
        return new TokenException("token " + file + " has no key " + keyId);
    }

    /**
     * The token as its file holds it (PKCS#12, protected by the PIN), for a copy kept elsewhere:
     * the nodes of a clustered server share their token through their database.
     */
    public synchronized byte[] encoded() throws TokenException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, pin.chars());
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new TokenException("token " + file + " cannot be encoded: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces this token's keys and certificates with {@code pkcs12} (as {@link #encoded} gave
     * it, on another node of the same server) and writes it to the file. Refused, with nothing
     * changed, when it cannot be opened with this token's PIN.
     */
    public synchronized void adopt(byte[] pkcs12) throws TokenException {
        KeyStore adopted;
        try {
            adopted = KeyStore.getInstance(TYPE);
            adopted.load(new ByteArrayInputStream(pkcs12), pin.chars());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new TokenException("the shared copy of token " + file + " is protected by another PIN than"
                        + " this node's; give every node of the server the same PIN");
            }
            throw new TokenException("the shared copy of token " + file + " is not a readable PKCS#12 file: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TokenException("the shared copy of token " + file + " cannot be opened: " + e.getMessage(), e);
        }
        KeyStore previous = store;
        store = adopted;
        signers.clear();
        try {
            save();
        } catch (TokenException e) {
            store = previous;
            throw e;
        }
    }

    private void save() throws TokenException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, pin.chars());
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                restrictToOwner(temp);
                Files.write(temp, out.toByteArray());
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (FileAlreadyExistsException e) {
            throw new TokenException("cannot write token " + file + ": it was created meanwhile", e);
        } catch (GeneralSecurityException | IOException e) {
            throw new TokenException("cannot write token " + file + ": " + e.getMessage(), e);
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the PIN-based encryption still protects the keys.
        }
    }
}
