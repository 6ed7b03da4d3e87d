package org.xroadng.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import java.util.Arrays;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.witness.TlogWitness;
import org.xroadng.auditlog.witness.WitnessHome;
import org.xroadng.auditlog.witness.WitnessListener;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;

/**
 * A registry's directory: {@code registry.yaml}, the PIN-protected token with the configuration
 * signing key ({@code token.p12}), that key's self-signed certificate ({@code conf-signing.pem},
 * pinned by the anchor), during a key rotation the next key's ({@code conf-signing-next.pem}), and
 * the database ({@code registry.mv.db}).
 */
public final class RegistryHome implements AutoCloseable {

    public static final String TOKEN_FILE = "token.p12";
    public static final String SIGNING_CERT_FILE = "conf-signing.pem";
    /** The next configuration signing key's certificate, while a rotation is prepared. */
    public static final String NEXT_SIGNING_CERT_FILE = "conf-signing-next.pem";
    /** The certificate the last rotation took out of use, kept for the record. */
    public static final String PREVIOUS_SIGNING_CERT_FILE = "conf-signing-previous.pem";
    static final String DATABASE = "registry";
    /** The registry's tables: their migrations, and their schema on PostgreSQL. */
    static final String DATABASE_NAME = "registry";

    /** A new registry and its first admin API key, which is shown once and never stored. */
    public record Initialized(RegistryHome home, ApiKeys.CreatedKey adminKey) {
    }

    private final RegistrySettings settings;
    private final X509Certificate signingCertificate;
    private final X509Certificate nextSigningCertificate;
    private final Database database;
    private final Registry registry;
    private final Database witnessDatabase;

    private RegistryHome(RegistrySettings settings, X509Certificate signingCertificate,
                         X509Certificate nextSigningCertificate, Database database, Registry registry,
                         Database witnessDatabase) {
        this.settings = settings;
        this.signingCertificate = signingCertificate;
        this.nextSigningCertificate = nextSigningCertificate;
        this.database = database;
        this.registry = registry;
        this.witnessDatabase = witnessDatabase;
    }

    public static Initialized init(Path dir, RegistrySettings settings, Pin pin, Provider provider, SecureRandom random,
                                   Clock clock) throws RegistryException {
        if (Files.exists(dir.resolve(RegistrySettings.FILE)) || Files.exists(dir.resolve(TOKEN_FILE))) {
            throw RegistryException.conflict("a registry already exists in " + dir + "; choose an empty directory");
        }
        Database database;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw RegistryException.badRequest("cannot create the registry in " + dir + ": " + e.getMessage());
        }
        // the database first: one that cannot be reached or refuses the role leaves no token behind
        database = openDatabase(dir, settings);
        try {
            SoftwareToken token = SoftwareToken.create(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            X509Certificate certificate = newSigningKey(token, settings.instance(), random, clock);
            Files.writeString(dir.resolve(SIGNING_CERT_FILE), Pem.encode(certificate));
            settings.save(dir);
            RegistryHome home = open(dir, settings, token, certificate, null, database, provider, random, clock);
            ApiKeys.CreatedKey admin = home.registry.apiKeys().create(Actor.SYSTEM, ApiKeys.Role.ADMIN, "initial admin key");
            return new Initialized(home, admin);
        } catch (IOException | TokenException e) {
            database.close();
            throw RegistryException.badRequest("cannot create the registry in " + dir + ": " + e.getMessage());
        }
    }

    /** A new configuration signing key in the token and its self-signed certificate, valid ten years. */
    private static X509Certificate newSigningKey(SoftwareToken token, String instance, SecureRandom random, Clock clock)
            throws TokenException {
        SigningKey key = token.signingKey(token.generateKey());
        X500Name name = new X500Name(new RDN[] {
                new RDN(BCStyle.O, new DERUTF8String(instance)),
                new RDN(BCStyle.CN, new DERUTF8String(instance + " global configuration signing"))});
        X509Certificate certificate = X509Issuer.selfSigned(name, CertificateKind.CONFIGURATION_SIGN, key,
                Duration.ofDays(3650), clock, random);
        token.importCertificate(key.keyId(), List.of(certificate));
        return certificate;
    }

    /**
     * Starts a rotation of the configuration signing key (DESIGN.md section 5): a new key in the
     * token and its certificate in {@value #NEXT_SIGNING_CERT_FILE}. Once the registry is
     * restarted, every configuration announces it, and each security server adds it to its anchor
     * at its next download; {@link #activateNextSigningKey} then makes it the signing key.
     *
     * @return the next key's certificate
     */
    public static X509Certificate prepareNextSigningKey(Path dir, Pin pin, Provider provider, SecureRandom random,
                                                        Clock clock) throws RegistryException {
        RegistrySettings settings = settings(dir);
        if (Files.exists(dir.resolve(NEXT_SIGNING_CERT_FILE))) {
            throw RegistryException.conflict("a next configuration signing key is already prepared ("
                    + dir.resolve(NEXT_SIGNING_CERT_FILE) + "); activate it first");
        }
        try {
            SoftwareToken token = SoftwareToken.open(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            X509Certificate certificate = newSigningKey(token, settings.instance(), random, clock);
            Path written = Files.writeString(dir.resolve(NEXT_SIGNING_CERT_FILE + ".tmp"), Pem.encode(certificate),
                    StandardCharsets.US_ASCII);
            Files.move(written, dir.resolve(NEXT_SIGNING_CERT_FILE), StandardCopyOption.ATOMIC_MOVE);
            return certificate;
        } catch (TokenException e) {
            throw RegistryException.badRequest(e.getMessage());
        } catch (IOException e) {
            throw RegistryException.badRequest("cannot write " + dir.resolve(NEXT_SIGNING_CERT_FILE) + ": "
                    + e.getMessage());
        }
    }

    /**
     * Ends a rotation: the prepared next key signs from the registry's next start on, and the old
     * certificate is kept as {@value #PREVIOUS_SIGNING_CERT_FILE}. Servers that have downloaded a
     * configuration announcing the next key accept the first one it signs and then drop the old
     * key; a server that missed the whole overlap needs the new anchor by hand, so activate only
     * after every server has refreshed (well over {@code globalConfRefreshSeconds}).
     *
     * @return the certificate now signing
     */
    public static X509Certificate activateNextSigningKey(Path dir) throws RegistryException {
        settings(dir);
        Path next = dir.resolve(NEXT_SIGNING_CERT_FILE);
        if (!Files.exists(next)) {
            throw RegistryException.conflict("no next configuration signing key is prepared in " + dir
                    + "; prepare one with 'xroad registry conf-key prepare' first");
        }
        try {
            X509Certificate certificate = Pem.readCertificate(next);
            Files.copy(dir.resolve(SIGNING_CERT_FILE), dir.resolve(PREVIOUS_SIGNING_CERT_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(next, dir.resolve(SIGNING_CERT_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            return certificate;
        } catch (IOException | CertificateException e) {
            throw RegistryException.badRequest("cannot activate " + next + ": " + e.getMessage());
        }
    }

    private static RegistrySettings settings(Path dir) throws RegistryException {
        if (!Files.exists(dir.resolve(RegistrySettings.FILE))) {
            throw RegistryException.notFound("no registry in " + dir + " (no " + RegistrySettings.FILE
                    + "); create one with 'xroad registry init'");
        }
        try {
            return RegistrySettings.load(dir);
        } catch (ConfigException e) {
            throw RegistryException.badRequest(e.getMessage());
        }
    }

    public static RegistryHome open(Path dir, Pin pin, Provider provider, SecureRandom random, Clock clock)
            throws RegistryException {
        if (!Files.exists(dir.resolve(RegistrySettings.FILE))) {
            throw RegistryException.notFound("no registry in " + dir + " (no " + RegistrySettings.FILE
                    + "); create one with 'xroad registry init'");
        }
        try {
            RegistrySettings settings = RegistrySettings.load(dir);
            SoftwareToken token = SoftwareToken.open(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            X509Certificate certificate = Pem.readCertificate(dir.resolve(SIGNING_CERT_FILE));
            X509Certificate next = nextCertificate(dir, certificate);
            if (next != null) {
                token.signingKey(SoftwareToken.keyId(next.getPublicKey())); // the prepared key must be in the token
            }
            return open(dir, settings, token, certificate, next, openDatabase(dir, settings), provider, random, clock);
        } catch (ConfigException | TokenException e) {
            throw RegistryException.badRequest(e.getMessage());
        } catch (IOException | CertificateException e) {
            throw RegistryException.badRequest("the registry in " + dir + " is incomplete: " + e.getMessage());
        }
    }

    private static Database openDatabase(Path dir, RegistrySettings settings) throws RegistryException {
        try {
            return settings.database().open(dir.resolve(DATABASE), DATABASE_NAME);
        } catch (StoreException e) {
            throw RegistryException.badRequest(e.getMessage());
        }
    }

    /** The prepared next certificate, if any and not the current one (a rotation interrupted after its move). */
    private static X509Certificate nextCertificate(Path dir, X509Certificate current)
            throws IOException, CertificateException {
        Path file = dir.resolve(NEXT_SIGNING_CERT_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        X509Certificate next = Pem.readCertificate(file);
        return next.equals(current) ? null : next;
    }

    private static RegistryHome open(Path dir, RegistrySettings settings, SoftwareToken token,
                                     X509Certificate certificate, X509Certificate next, Database database,
                                     Provider provider, SecureRandom random, Clock clock) throws TokenException {
        SigningKey key;
        Cosigner cosigner;
        Database witnessDatabase;
        try {
            key = token.signingKey(SoftwareToken.keyId(certificate.getPublicKey()));
            cosigner = witnessCosigner(settings, token);
            witnessDatabase = settings.database().open(dir.resolve(WitnessHome.DATABASE_NAME), WitnessHome.DATABASE_NAME);
        } catch (TokenException | RuntimeException e) {
            database.close();
            throw e;
        }
        Registry registry = new Registry(settings.instance(), database, new JwsSigner(key, List.of(certificate)),
                next == null ? null : base64(next), provider, random, clock,
                logs -> new TlogWitness(witnessDatabase, cosigner, logs, clock, WitnessListener.NONE));
        return new RegistryHome(settings, certificate, next, database, registry, witnessDatabase);
    }

    /** The token alias of the registry witness's Ed25519 cosigning key (its 32-byte seed). */
    public static final String WITNESS_KEY_ALIAS = "tlog-witness-ed25519";

    /**
     * The registry's C2SP witness key, named {@code <instance>/registry-witness}: its seed is made
     * from the token's random source on first use and kept in the PIN-protected token.
     */
    private static Cosigner witnessCosigner(RegistrySettings settings, SoftwareToken token) throws TokenException {
        if (token.secretKey(WITNESS_KEY_ALIAS).isEmpty()) {
            token.generateSecretKey(WITNESS_KEY_ALIAS);
        }
        byte[] seed = token.secretKey(WITNESS_KEY_ALIAS).orElseThrow().getEncoded();
        try {
            return Cosigner.fromSeed(settings.instance().replace("+", "%2B") + "/registry-witness", seed);
        } catch (NoteFormatException e) {
            throw new TokenException("the registry's witness key cannot be made: " + e.getMessage(), e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The anchor security servers are given to trust this registry. */
    public Anchor anchor() {
        return anchor(settings, signingCertificate, nextSigningCertificate);
    }

    /** The anchor of the registry in {@code dir}, read from its files without opening its token or database. */
    public static Anchor anchor(Path dir) throws RegistryException {
        try {
            X509Certificate current = Pem.readCertificate(dir.resolve(SIGNING_CERT_FILE));
            return anchor(RegistrySettings.load(dir), current, nextCertificate(dir, current));
        } catch (ConfigException e) {
            throw RegistryException.badRequest(e.getMessage());
        } catch (IOException | CertificateException e) {
            throw RegistryException.badRequest("the registry in " + dir + " has no readable " + SIGNING_CERT_FILE
                    + ": " + e.getMessage());
        }
    }

    private static Anchor anchor(RegistrySettings settings, X509Certificate signingCertificate, X509Certificate next) {
        return new Anchor(settings.instance(), settings.globalConfUrl(), base64(signingCertificate),
                next == null ? null : base64(next));
    }

    private static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public RegistrySettings settings() {
        return settings;
    }

    public Registry registry() {
        return registry;
    }

    public X509Certificate signingCertificate() {
        return signingCertificate;
    }

    @Override
    public void close() {
        witnessDatabase.close();
        database.close();
    }
}
