package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.SecurityServer;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLog;

/**
 * One of the demo's security servers, running: its directory ({@link ServerHome}), the runtime
 * ({@link SecurityServer}: admin API at once, proxies once the auth certificate is imported), its
 * admin API key and the clients it hosts. Created with {@code ServerHome.init} on the first run,
 * opened with the development PIN afterwards.
 */
public final class DemoServer implements AutoCloseable {

    /** The demo's servers publish access-log checkpoints often, so the portal soon shows events proven. */
    static final int CHECKPOINT_INTERVAL_SECONDS = 5;

    /**
     * How often the demo's servers fetch the global configuration: 10 s rather than the default 60,
     * so that what an operator has the registry approve (a client, a withdrawal) is in force within
     * seconds on the demo's one machine.
     */
    static final int GLOBAL_CONF_REFRESH_SECONDS = 10;

    private final SecurityServerId id;
    private final Path dir;
    private final List<SubsystemId> clients;
    private final int clientProxyPort;
    private final int serverProxyPort;
    private final int adminPort;
    private final String apiKey;
    private final String consolePassword;
    /** The first console user the demo makes on each server, with every role but observer. */
    public static final String CONSOLE_USER = "operator";
    private final ServerHome home;
    private final H2MessageLog messageLog;
    private final SecurityServer runtime;

    private DemoServer(SecurityServerId id, Path dir, List<SubsystemId> clients, int clientProxyPort, int serverProxyPort,
                       int adminPort, String apiKey, String consolePassword, ServerHome home, H2MessageLog messageLog,
                       SecurityServer runtime) {
        this.consolePassword = consolePassword;
        this.id = id;
        this.dir = dir;
        this.clients = List.copyOf(clients);
        this.clientProxyPort = clientProxyPort;
        this.serverProxyPort = serverProxyPort;
        this.adminPort = adminPort;
        this.apiKey = apiKey;
        this.home = home;
        this.messageLog = messageLog;
        this.runtime = runtime;
    }

    /**
     * A server's first node of a cluster: its databases on PostgreSQL ({@code database}), the
     * address its peers connect to ({@code publicAddress}, host:port, a balancer in front of the
     * nodes' server proxies) and this node's name.
     */
    public record Cluster(org.xroadng.protocol.store.DatabaseSettings database, String publicAddress, String node) {
    }

    static DemoServer start(SecurityServerId id, List<SubsystemId> clients, Path dataDir, int clientProxyPort,
                            int serverProxyPort, int adminPort, DemoState state, boolean withMessageLog,
                            org.xroadng.securityserver.log.Durability durability,
                            org.xroadng.securityserver.message.MessageSignatures signatures, Cluster cluster,
                            Provider provider, SecureRandom random, Clock clock, Progress progress)
            throws DemoException {
        Path dir = dataDir.resolve("servers").resolve(DemoNetwork.dirName(id));
        boolean existing = Files.exists(dir.resolve(ServerSettings.FILE));
        ServerHome home;
        String apiKey;
        try {
            if (existing) {
                home = ServerHome.open(dir, DemoNetwork.pin(), provider, random, clock);
                apiKey = state.serverApiKey(id).orElse(null);
                if (apiKey == null) {
                    home.close();
                    throw new DemoException("security server " + id.format() + " in " + dir + " exists but its admin"
                            + " API key is not in " + DemoState.FILE + "; remove the data directory to start afresh");
                }
            } else {
                Files.createDirectories(dir);
                ServerSettings settings = new ServerSettings(id, dir.relativize(dataDir.resolve(DemoNetwork.ANCHOR_FILE)),
                        DemoPorts.address(clientProxyPort), null, DemoPorts.address(serverProxyPort),
                        cluster != null ? cluster.publicAddress() : DemoPorts.HOST + ":" + serverProxyPort,
                        DemoPorts.address(adminPort), ServerSettings.DEFAULT_MAX_BODY_BYTES,
                        GLOBAL_CONF_REFRESH_SECONDS, ServerSettings.DEFAULT_OCSP_REFRESH_SECONDS,
                        durability, CHECKPOINT_INTERVAL_SECONDS).withMessageSignatures(signatures);
                if (cluster != null) {
                    settings = settings.withDatabase(cluster.database());
                }
                // a directory prepared with 'xroad server token add' gets the owner's signing key in that HSM token
                String signToken = org.xroadng.securityserver.keys.HsmToken.loadAll(dir).stream().findFirst()
                        .map(org.xroadng.securityserver.keys.HsmToken::id).orElse(null);
                ServerHome.Initialized created = ServerHome.init(dir, settings, DemoNetwork.pin(), signToken,
                        name -> java.util.Optional.empty(), provider, random, clock);
                home = created.home();
                apiKey = created.adminKey().key();
                state.serverApiKey(id, apiKey);
            }
        } catch (ServerException | org.xroadng.protocol.config.ConfigException e) {
            throw new DemoException("security server " + id.format() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DemoException("security server " + id.format() + ": cannot create " + dir + ": " + e.getMessage(), e);
        }
        String consolePassword;
        try {
            Optional<String> known = state.consolePassword(id);
            if (known.isPresent()) {
                consolePassword = known.get();
            } else {
                byte[] secret = new byte[15];
                random.nextBytes(secret);
                consolePassword = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
                state.consolePassword(id, consolePassword);
            }
        } catch (DemoException e) {
            home.close();
            throw e;
        }
        H2MessageLog messageLog;
        try {
            messageLog = withMessageLog ? home.openMessageLog(cluster == null ? null : cluster.node()) : null;
        } catch (ServerException e) {
            home.close();
            throw new DemoException("security server " + id.format() + ": " + e.getMessage(), e);
        }
        try {
            SecurityServer runtime = messageLog == null
                    ? SecurityServer.start(home, MessageLog.NONE, provider, random, clock)
                    : SecurityServer.start(home, messageLog, provider, random, clock);
            progress.note("  " + (existing ? "opened " : "created") + " security server " + id.format() + ", admin API on "
                    + runtime.adminUri());
            return new DemoServer(id, dir, clients, clientProxyPort, serverProxyPort, adminPort, apiKey, consolePassword, home,
                    messageLog, runtime);
        } catch (IOException e) {
            if (messageLog != null) {
                messageLog.close();
            }
            home.close();
            throw new DemoException("security server " + id.format() + ": cannot listen on admin port " + adminPort + ": "
                    + e.getMessage(), e);
        }
    }

    public SecurityServerId id() {
        return id;
    }

    /** The server's directory. */
    public Path dir() {
        return dir;
    }

    public List<SubsystemId> clients() {
        return clients;
    }

    public URI clientProxyUrl() {
        return DemoPorts.http(clientProxyPort);
    }

    public URI serverProxyUrl() {
        return DemoPorts.https(serverProxyPort);
    }

    public URI adminUrl() {
        return DemoPorts.http(adminPort);
    }

    public String apiKey() {
        return apiKey;
    }

    /** The operator console, at {@code /} of the admin port. */
    public URI consoleUrl() {
        return URI.create(adminUrl() + "/");
    }

    /** The password of {@link #CONSOLE_USER} (development data, as the API key). */
    public String consolePassword() {
        return consolePassword;
    }

    /**
     * Fetches the global configuration and OCSP responses now, starting the proxies if the auth
     * certificate has just been imported, then checks that they run: a proxy that could not open
     * its port is reported with the port.
     */
    void refreshAndRequireProxies() throws DemoException {
        runtime.refreshNow();
        if (runtime.clientProxyAddress().isEmpty()) {
            throw new DemoException("security server " + id.format() + ": the message path did not start; is port "
                    + clientProxyPort + " (client proxy) or " + serverProxyPort + " (server proxy) taken?"
                    + " (the log above says why)");
        }
    }

    void refresh() {
        runtime.refreshNow();
    }

    /** The version of the global configuration the server holds now; 0 when it holds none. */
    /** What this server's batch signer did since its message path started; empty when it signs each message alone. */
    public Optional<org.xroadng.securityserver.message.BatchMessageSigner.Batches> signerBatches() {
        return runtime.signerBatches();
    }

    long configurationVersion() {
        return runtime.globalConfiguration().map(GlobalConfiguration::version).orElse(0L);
    }

    @Override
    public void close() {
        runtime.close();
        if (messageLog != null) {
            messageLog.close();
        }
        home.close();
    }
}
