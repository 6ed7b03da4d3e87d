package org.xroadng.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * pinned by the anchor) and the database ({@code registry.mv.db}).
 */
public final class RegistryHome implements AutoCloseable {

    public static final String TOKEN_FILE = "token.p12";
    public static final String SIGNING_CERT_FILE = "conf-signing.pem";
    static final String DATABASE = "registry";
    /** The registry's tables: their migrations, and their schema on PostgreSQL. */
    static final String DATABASE_NAME = "registry";

    /** A new registry and its first admin API key, which is shown once and never stored. */
    public record Initialized(RegistryHome home, ApiKeys.CreatedKey adminKey) {
    }

    private final RegistrySettings settings;
    private final X509Certificate signingCertificate;
    private final Database database;
    private final Registry registry;

    private RegistryHome(RegistrySettings settings, X509Certificate signingCertificate, Database database,
                         Registry registry) {
        this.settings = settings;
        this.signingCertificate = signingCertificate;
        this.database = database;
        this.registry = registry;
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
            SigningKey key = token.signingKey(token.generateKey());
            X500Name name = new X500Name(new RDN[] {
                    new RDN(BCStyle.O, new DERUTF8String(settings.instance())),
                    new RDN(BCStyle.CN, new DERUTF8String(settings.instance() + " global configuration signing"))});
            X509Certificate certificate = X509Issuer.selfSigned(name, CertificateKind.CONFIGURATION_SIGN, key,
                    Duration.ofDays(3650), clock, random);
            token.importCertificate(key.keyId(), List.of(certificate));
            Files.writeString(dir.resolve(SIGNING_CERT_FILE), Pem.encode(certificate));
            settings.save(dir);
            RegistryHome home = open(settings, token, certificate, database, provider, random, clock);
            ApiKeys.CreatedKey admin = home.registry.apiKeys().create(Actor.SYSTEM, ApiKeys.Role.ADMIN, "initial admin key");
            return new Initialized(home, admin);
        } catch (IOException | TokenException e) {
            database.close();
            throw RegistryException.badRequest("cannot create the registry in " + dir + ": " + e.getMessage());
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
            return open(settings, token, certificate, openDatabase(dir, settings), provider, random, clock);
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

    private static RegistryHome open(RegistrySettings settings, SoftwareToken token, X509Certificate certificate,
                                     Database database, Provider provider, SecureRandom random, Clock clock)
            throws TokenException {
        SigningKey key;
        try {
            key = token.signingKey(SoftwareToken.keyId(certificate.getPublicKey()));
        } catch (TokenException | RuntimeException e) {
            database.close();
            throw e;
        }
        Registry registry = new Registry(settings.instance(), database, new JwsSigner(key, List.of(certificate)),
                provider, random, clock);
        return new RegistryHome(settings, certificate, database, registry);
    }

    /** The anchor security servers are given to trust this registry. */
    public Anchor anchor() {
        return anchor(settings, signingCertificate);
    }

    /** The anchor of the registry in {@code dir}, read from its files without opening its token or database. */
    public static Anchor anchor(Path dir) throws RegistryException {
        try {
            return anchor(RegistrySettings.load(dir), Pem.readCertificate(dir.resolve(SIGNING_CERT_FILE)));
        } catch (ConfigException e) {
            throw RegistryException.badRequest(e.getMessage());
        } catch (IOException | CertificateException e) {
            throw RegistryException.badRequest("the registry in " + dir + " has no readable " + SIGNING_CERT_FILE
                    + ": " + e.getMessage());
        }
    }

    private static Anchor anchor(RegistrySettings settings, X509Certificate signingCertificate) {
        try {
            return new Anchor(settings.instance(), settings.globalConfUrl(),
                    Base64.getEncoder().encodeToString(signingCertificate.getEncoded()));
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
        database.close();
    }
}
