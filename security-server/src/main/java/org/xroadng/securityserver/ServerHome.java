package org.xroadng.securityserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.xroadng.certs.token.KeyToken;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.admin.AdminKeys;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.keys.HsmToken;
import org.xroadng.securityserver.keys.AcmeSettings;
import org.xroadng.securityserver.keys.CertificateRenewal;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.registration.Registrar;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.StoreException;

/**
 * A security server's directory: {@code server.yaml}, the PIN-protected token with its keys
 * ({@code token.p12}), the HSM tokens it also uses ({@code tokens/ID.yaml}, {@link HsmToken}), the
 * database ({@code server.mv.db}) and, after init, the certification requests {@code auth.csr} and
 * {@code sign-<member>.csr} to take to the CA.
 *
 * <p>Guarantees: {@link #init} refuses a directory that already holds a server and checks the
 * anchor before creating anything; {@link #open} refuses a wrong PIN or a bad configuration with
 * the reason.
 */
public final class ServerHome implements AutoCloseable {

    public static final String TOKEN_FILE = "token.p12";
    private final Optional<AcmeSettings> acme;
    public static final String AUTH_CSR_FILE = "auth.csr";
    /** The access log's file in the server directory (H2, without {@code .mv.db}). */
    public static final String ACCESS_LOG_FILE = "accesslog";
    private static final String DATABASE = "server";
    /** The server's configuration tables: their migrations, and their schema on PostgreSQL. */
    private static final String DATABASE_NAME = "securityserver";

    /** A new server, its first admin API key (shown once, never stored) and where its CSRs were written. */
    public record Initialized(ServerHome home, AdminKeys.CreatedKey adminKey, Path authCsr, Path signCsr) {
    }

    private static final java.util.regex.Pattern NODE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,29}");

    private final Path dir;
    private final ServerSettings settings;
    private final Anchor anchor;
    private final Database database;
    private final ServerKeys keys;
    private final ServerConfStore store;
    private final AdminKeys adminKeys;
    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;

    private ServerHome(Path dir, ServerSettings settings, Anchor anchor, Database database, ServerKeys keys,
                       Provider provider, SecureRandom random, Clock clock) {
        this(dir, settings, anchor, database, keys, Optional.empty(), provider, random, clock);
    }

    private ServerHome(Path dir, ServerSettings settings, Anchor anchor, Database database, ServerKeys keys,
                       Optional<AcmeSettings> acme, Provider provider, SecureRandom random, Clock clock) {
        this.acme = acme;
        this.dir = dir;
        this.settings = settings;
        this.anchor = anchor;
        this.database = database;
        this.keys = keys;
        this.store = new ServerConfStore(database, settings.serverId(), clock);
        this.adminKeys = new AdminKeys(database, random, clock);
        this.provider = provider;
        this.random = random;
        this.clock = clock;
    }

    /** The file name of the signing CSR for {@code member}: {@code sign-INSTANCE_CLASS_CODE.csr}. */
    public static String signCsrFile(MemberId member) {
        return "sign-" + member.format().replace('/', '_') + ".csr";
    }

    public static Initialized init(Path dir, ServerSettings settings, Pin pin, Provider provider, SecureRandom random,
                                   Clock clock) throws ServerException {
        return init(dir, settings, pin, null, name -> Optional.empty(), provider, random, clock);
    }

    /**
     * A new server whose owner's signing key is generated in the HSM token {@code signToken}
     * (configured beforehand in {@code tokens/ID.yaml}, {@link HsmToken}), or in the software token
     * when it is null. Every configured HSM token is opened and logged in to first; one that cannot
     * be leaves nothing behind.
     *
     * @param env looks up an environment variable, for HSM PINs configured as {@code pinEnv}
     */
    public static Initialized init(Path dir, ServerSettings settings, Pin pin, String signToken,
                                   Function<String, Optional<String>> env, Provider provider, SecureRandom random,
                                   Clock clock) throws ServerException {
        if (Files.exists(dir.resolve(ServerSettings.FILE)) || Files.exists(dir.resolve(TOKEN_FILE))) {
            throw ServerException.conflict("a security server already exists in " + dir + "; choose an empty directory");
        }
        Map<String, KeyToken> hsms = hsms(dir, env, random, clock);
        if (signToken != null && !hsms.containsKey(signToken)) {
            throw ServerException.badRequest("no HSM token '" + signToken + "' in " + dir.resolve(HsmToken.DIR)
                    + "; configure it first (xroad server token add) or choose one of " + hsms.keySet());
        }
        Anchor anchor = anchor(dir, settings);
        Database database = null;
        try {
            Files.createDirectories(dir);
            // the database first: one that cannot be reached or refuses the role leaves no token behind
            database = openDatabase(dir, settings);
            SoftwareToken token = SoftwareToken.create(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            ServerKeys keys = ServerKeys.create(token, hsms, signToken, database, settings.serverId(),
                    settings.serverHost(), clock);
            settings.save(dir);
            Path authCsr = dir.resolve(AUTH_CSR_FILE);
            Files.writeString(authCsr, keys.csr(keys.authKeyId()));
            MemberId owner = settings.serverId().owner();
            Path signCsr = dir.resolve(signCsrFile(owner));
            Files.writeString(signCsr, keys.csr(keys.signKeyId(owner).orElseThrow()));
            ServerHome home = new ServerHome(dir, settings, anchor, database, keys, provider, random, clock);
            AdminKeys.CreatedKey admin = home.adminKeys.create("initial admin key");
            return new Initialized(home, admin, authCsr, signCsr);
        } catch (IOException | TokenException e) {
            if (database != null) {
                database.close();
            }
            throw ServerException.badRequest("cannot create the security server in " + dir + ": " + e.getMessage());
        }
    }

    public static ServerHome open(Path dir, Pin pin, Provider provider, SecureRandom random, Clock clock)
            throws ServerException {
        return open(dir, pin, name -> Optional.empty(), provider, random, clock);
    }

    /**
     * Opens the server, its software token with {@code pin} and every HSM token configured in
     * {@code tokens/}, each with the PIN its configuration names ({@code env} looks up environment
     * variables); a token that cannot be opened is refused with its one-line reason.
     */
    public static ServerHome open(Path dir, Pin pin, Function<String, Optional<String>> env, Provider provider,
                                  SecureRandom random, Clock clock) throws ServerException {
        if (!Files.exists(dir.resolve(ServerSettings.FILE))) {
            throw ServerException.notFound("no security server in " + dir + " (no " + ServerSettings.FILE
                    + "); create one with 'xroad server init'");
        }
        ServerSettings settings;
        try {
            settings = ServerSettings.load(dir);
        } catch (ConfigException e) {
            throw ServerException.badRequest(e.getMessage());
        }
        Anchor anchor = anchor(dir, settings);
        Optional<AcmeSettings> acme;
        try {
            acme = AcmeSettings.load(dir);
        } catch (ConfigException e) {
            throw ServerException.badRequest(e.getMessage());
        }
        Map<String, KeyToken> hsms = hsms(dir, env, random, clock);
        try {
            SoftwareToken token = SoftwareToken.open(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            Database database = openDatabase(dir, settings);
            try {
                ServerKeys keys = ServerKeys.open(token, hsms, database, settings.serverId(), settings.serverHost(),
                        clock);
                return new ServerHome(dir, settings, anchor, database, keys, acme, provider, random, clock);
            } catch (TokenException | RuntimeException e) {
                database.close();
                throw e;
            }
        } catch (TokenException e) {
            throw ServerException.badRequest(e.getMessage());
        }
    }

    private static Map<String, KeyToken> hsms(Path dir, Function<String, Optional<String>> env, SecureRandom random,
                                              Clock clock) throws ServerException {
        try {
            return HsmToken.openAll(dir, env, random, clock);
        } catch (ConfigException | TokenException e) {
            throw ServerException.badRequest(e.getMessage());
        }
    }

    private static Database openDatabase(Path dir, ServerSettings settings) throws ServerException {
        try {
            return settings.database().open(dir.resolve(DATABASE), DATABASE_NAME);
        } catch (StoreException e) {
            throw ServerException.badRequest(e.getMessage());
        }
    }

    private static Anchor anchor(Path dir, ServerSettings settings) throws ServerException {
        try {
            return settings.readAnchor(dir);
        } catch (ConfigurationException e) {
            throw ServerException.badRequest(e.getMessage());
        }
    }

    public Path dir() {
        return dir;
    }

    public ServerSettings settings() {
        return settings;
    }

    /** The registry anchor this server trusts, read and validated when the home was opened. */
    public Anchor anchor() {
        return anchor;
    }

    /** The anchor's file, which a rotation of the registry's configuration signing key rewrites. */
    public Path anchorFile() {
        return settings.anchorFile(dir);
    }

    public ServerKeys keys() {
        return keys;
    }

    public ServerConfStore store() {
        return store;
    }

    public AdminKeys adminKeys() {
        return adminKeys;
    }

    /**
     * Opens this server's message log ({@code messagelog.mv.db} in the directory, its journal in
     * {@code messagelog-journal/}) and access log ({@code accesslog.mv.db}), bodies encrypted under
     * the token's message log key, with the configured durability; what the journal kept and the
     * tables lack after a crash is stored first. The caller closes it.
     */
    public org.xroadng.securityserver.log.H2MessageLog openMessageLog() throws ServerException {
        return openMessageLog(null);
    }

    /**
     * As {@link #openMessageLog()}, as node {@code node} of a clustered server (null: not
     * clustered): the nodes share the server's configuration, keys and access log through its
     * PostgreSQL database, and each indexes its own message log (journaled in this directory) in
     * schema {@code messagelog_<node>}. A node name is lower-case letters, digits and {@code _},
     * 1 to 30 of them, starting with a letter.
     *
     * @throws ServerException when the name is not one, the server's databases are embedded H2
     *         files (which one process owns), or another process writes this node's message log
     */
    public org.xroadng.securityserver.log.H2MessageLog openMessageLog(String node) throws ServerException {
        if (node != null) {
            if (!NODE_NAME.matcher(node).matches()) {
                throw ServerException.badRequest("node name '" + node + "' is not one: expected 1 to 30 lower-case"
                        + " letters, digits and '_', starting with a letter (e.g. node1)");
            }
            if (settings.database().isEmbedded()) {
                throw ServerException.badRequest("a clustered node (--node " + node + ") shares the server's"
                        + " configuration, keys and access log with the other nodes through PostgreSQL, but "
                        + dir.resolve(ServerSettings.FILE) + " keeps them in embedded H2 files: set "
                        + DatabaseSettings.URL_KEY + ", " + DatabaseSettings.USER_KEY + " and "
                        + DatabaseSettings.PASSWORD_FILE_KEY + " (docs/databases.md)");
            }
        }
        try {
            var logSettings = new org.xroadng.securityserver.log.MessageLogSettings(settings.messageLogDurability(),
                    org.xroadng.securityserver.log.MessageLogSettings.DEFAULT_QUEUE_CAPACITY,
                    org.xroadng.securityserver.log.MessageLogSettings.DEFAULT_MAX_BATCH);
            return org.xroadng.securityserver.log.H2MessageLog.open(settings.database(), node, dir.resolve("messagelog"),
                    dir.resolve(ACCESS_LOG_FILE), keys.messageLogKey(),
                    provider, random, clock, logSettings, org.xroadng.securityserver.log.MessageLogListener.NONE);
        } catch (TokenException e) {
            throw ServerException.badRequest("the message log key cannot be used: " + e.getMessage());
        } catch (org.xroadng.securityserver.log.MessageLogException e) {
            throw ServerException.badRequest("the message log cannot be opened: " + e.getMessage());
        }
    }

    /**
     * The configuration database's {@code .mv.db}, copied by H2 while the server may be running
     * (for {@code xroad server backup}).
     */
    public byte[] copyDatabase() throws org.xroadng.certs.backup.BackupException {
        return org.xroadng.certs.backup.ComponentBackup.copyOf(database);
    }

    /**
     * Renewal of this server's certificates by ACME, as {@code acme.yaml} configures it; empty
     * when the file is absent (renewal is then the operator's, by hand).
     */
    public Optional<CertificateRenewal> renewal() {
        return acme.map(settings -> new CertificateRenewal(keys, settings, random, clock));
    }

    /** A registrar filing this server's management requests with the registry of its anchor. */
    public Registrar registrar() {
        return new Registrar(settings, anchor, keys, store, provider, random, clock);
    }

    @Override
    public void close() {
        database.close();
    }
}
