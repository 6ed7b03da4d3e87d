package org.xroadng.securityserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.message.MessageSignatures;

/**
 * A security server's start-up configuration, {@code server.yaml} in its directory (DESIGN.md
 * sections 6 and 9), validated key by key when loaded: an unknown key, a malformed identifier or
 * address, or a number out of range is refused with the file, key, value and what is allowed.
 *
 * @param anchor          the registry anchor file, relative to the server directory (or absolute)
 * @param clientProxy     where the IS-facing client proxy listens
 * @param clientProxyTls  where the client proxy also listens over HTTPS (for clients whose IS certificate
 *                        is pinned), or null for no HTTPS listener
 * @param serverProxy     where the peer-facing server proxy listens
 * @param serverAddress   {@code host:port} published to the registry in authCertReg, where peers reach the server proxy
 * @param admin           where the admin API listens
 * @param maxBodyBytes    the largest message body accepted
 * @param messageLogDurability when a logged exchange counts as durable ({@link Durability}); default fsync
 * @param checkpointIntervalSeconds how often the access log's checkpoint is published to the witness when it has grown
 * @param idleTimeoutSeconds   how long a proxy connection may wait for its next request before the server closes it
 *                             (no timer runs while the server is answering)
 * @param headerTimeoutSeconds how long a request's head may take once its first bytes arrived
 * @param maxConnections       connections each proxy keeps open at most; more are closed at once
 * @param maxBytesInFlight     message body bytes (requests and answers) the server holds in memory at once, over
 *                             all exchanges; beyond it exchanges are refused with 503 {@code *.Overloaded};
 *                             {@link #AUTO} for an eighth of the maximum heap ({@link #bytesInFlight})
 * @param messageSignatures    {@code single}: each message signed alone; {@code batch}: messages waiting for the
 *                             signer at once share one signature over a Merkle root (a message alone is signed as
 *                             with {@code single}); both forms are accepted from peers either way
 * @param database             where the server keeps its configuration, message log index and access log: H2 files
 *                             in its directory (the default), or schemas of a PostgreSQL database
 *                             ({@link DatabaseSettings}); the message log's journal stays in the directory either way
 */
public record ServerSettings(SecurityServerId serverId, Path anchor, InetSocketAddress clientProxy,
                             InetSocketAddress clientProxyTls, InetSocketAddress serverProxy, String serverAddress, InetSocketAddress admin,
                             int maxBodyBytes, int globalConfRefreshSeconds, int ocspRefreshSeconds,
                             Durability messageLogDurability, int checkpointIntervalSeconds,
                             int idleTimeoutSeconds, int headerTimeoutSeconds, int maxConnections, int maxBytesInFlight,
                             MessageSignatures messageSignatures, DatabaseSettings database) {

    public static final String FILE = "server.yaml";
    public static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
    public static final int DEFAULT_GLOBAL_CONF_REFRESH_SECONDS = 60;
    public static final int DEFAULT_OCSP_REFRESH_SECONDS = 300;
    public static final int DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 60;
    /** Long enough for an information system's kept-alive connection between bursts, short enough to free idle sockets. */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
    /** A real client sends its head in milliseconds; ten seconds allows for a slow network, not for a slow-loris. */
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;
    /** Per proxy: well under a default process's open-file limit of a few thousand, far above normal use. */
    public static final int DEFAULT_MAX_CONNECTIONS = 2000;
    /** {@code maxBytesInFlight: auto}: an eighth of the maximum heap, see {@link #bytesInFlight}. */
    public static final int AUTO = 0;
    public static final MessageSignatures DEFAULT_MESSAGE_SIGNATURES = MessageSignatures.BATCH;
    private static final Set<String> KEYS = Set.of("serverId", "anchor", "clientProxy", "clientProxyTls", "serverProxy", "serverAddress",
            "admin", "maxBodyBytes", "globalConfRefreshSeconds", "ocspRefreshSeconds", "messageLogDurability",
            "checkpointIntervalSeconds", "idleTimeoutSeconds", "headerTimeoutSeconds", "maxConnections",
            "maxBytesInFlight", "messageSignatures", DatabaseSettings.URL_KEY, DatabaseSettings.USER_KEY,
            DatabaseSettings.PASSWORD_FILE_KEY);

    /** Settings with the connection and memory limits at their defaults. */
    public ServerSettings(SecurityServerId serverId, Path anchor, InetSocketAddress clientProxy,
                          InetSocketAddress clientProxyTls, InetSocketAddress serverProxy, String serverAddress,
                          InetSocketAddress admin, int maxBodyBytes, int globalConfRefreshSeconds, int ocspRefreshSeconds,
                          Durability messageLogDurability, int checkpointIntervalSeconds) {
        this(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin, maxBodyBytes,
                globalConfRefreshSeconds, ocspRefreshSeconds, messageLogDurability, checkpointIntervalSeconds,
                DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_HEADER_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS, AUTO);
    }

    /** Settings that sign messages as {@link #DEFAULT_MESSAGE_SIGNATURES}. */
    public ServerSettings(SecurityServerId serverId, Path anchor, InetSocketAddress clientProxy,
                          InetSocketAddress clientProxyTls, InetSocketAddress serverProxy, String serverAddress,
                          InetSocketAddress admin, int maxBodyBytes, int globalConfRefreshSeconds, int ocspRefreshSeconds,
                          Durability messageLogDurability, int checkpointIntervalSeconds, int idleTimeoutSeconds,
                          int headerTimeoutSeconds, int maxConnections, int maxBytesInFlight) {
        this(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin, maxBodyBytes,
                globalConfRefreshSeconds, ocspRefreshSeconds, messageLogDurability, checkpointIntervalSeconds,
                idleTimeoutSeconds, headerTimeoutSeconds, maxConnections, maxBytesInFlight, DEFAULT_MESSAGE_SIGNATURES);
    }

    /** Settings that keep the server's databases in H2 files in its directory. */
    public ServerSettings(SecurityServerId serverId, Path anchor, InetSocketAddress clientProxy,
                          InetSocketAddress clientProxyTls, InetSocketAddress serverProxy, String serverAddress,
                          InetSocketAddress admin, int maxBodyBytes, int globalConfRefreshSeconds, int ocspRefreshSeconds,
                          Durability messageLogDurability, int checkpointIntervalSeconds, int idleTimeoutSeconds,
                          int headerTimeoutSeconds, int maxConnections, int maxBytesInFlight,
                          MessageSignatures messageSignatures) {
        this(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin, maxBodyBytes,
                globalConfRefreshSeconds, ocspRefreshSeconds, messageLogDurability, checkpointIntervalSeconds,
                idleTimeoutSeconds, headerTimeoutSeconds, maxConnections, maxBytesInFlight, messageSignatures,
                DatabaseSettings.embedded());
    }

    /** These settings with {@code messageSignatures} replaced. */
    public ServerSettings withMessageSignatures(MessageSignatures signatures) {
        return new ServerSettings(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin,
                maxBodyBytes, globalConfRefreshSeconds, ocspRefreshSeconds, messageLogDurability,
                checkpointIntervalSeconds, idleTimeoutSeconds, headerTimeoutSeconds, maxConnections, maxBytesInFlight,
                signatures, database);
    }

    /** These settings with {@code database} replaced. */
    public ServerSettings withDatabase(DatabaseSettings database) {
        return new ServerSettings(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin,
                maxBodyBytes, globalConfRefreshSeconds, ocspRefreshSeconds, messageLogDurability,
                checkpointIntervalSeconds, idleTimeoutSeconds, headerTimeoutSeconds, maxConnections, maxBytesInFlight,
                messageSignatures, database);
    }

    public ServerSettings {
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(clientProxy, "clientProxy");
        Objects.requireNonNull(serverProxy, "serverProxy");
        Objects.requireNonNull(admin, "admin");
        ConfigFile.ConfigValues.hostPort(Objects.requireNonNull(serverAddress, "serverAddress"));
        requireRange("maxBodyBytes", maxBodyBytes, 1024, Integer.MAX_VALUE);
        requireRange("globalConfRefreshSeconds", globalConfRefreshSeconds, 1, 3600);
        requireRange("ocspRefreshSeconds", ocspRefreshSeconds, 1, 86400);
        Objects.requireNonNull(messageLogDurability, "messageLogDurability");
        requireRange("checkpointIntervalSeconds", checkpointIntervalSeconds, 1, 86400);
        requireRange("idleTimeoutSeconds", idleTimeoutSeconds, 1, 3600);
        requireRange("headerTimeoutSeconds", headerTimeoutSeconds, 1, 300);
        requireRange("maxConnections", maxConnections, 1, 1_000_000);
        if (maxBytesInFlight != AUTO) {
            requireRange("maxBytesInFlight", maxBytesInFlight, maxBodyBytes, Integer.MAX_VALUE);
        }
        Objects.requireNonNull(messageSignatures, "messageSignatures");
        Objects.requireNonNull(database, "database");
    }

    /**
     * The body bytes the server may hold in memory at once: {@link #maxBytesInFlight} when set, else
     * an eighth of {@code maxHeapBytes}, at least one message of {@link #maxBodyBytes}. An eighth,
     * because each byte counted is held on the heap more than once (the copy out of Netty's buffers,
     * the message log's encrypted copy, the answer to the information system) and the rest of the
     * heap serves everything else: with a 256 MB heap three 10 MB messages at a time, with 4 GB, 512 MB.
     */
    public long bytesInFlight(long maxHeapBytes) {
        return maxBytesInFlight != AUTO ? maxBytesInFlight
                : Math.max(maxBodyBytes, Math.min(Integer.MAX_VALUE, maxHeapBytes / 8));
    }

    /** Settings with every default: proxies, admin API and limits as documented in {@link #load}. */
    public static ServerSettings withDefaults(SecurityServerId serverId, Path anchor) {
        InetSocketAddress serverProxy = new InetSocketAddress("0.0.0.0", 5500);
        return new ServerSettings(serverId, anchor, new InetSocketAddress("127.0.0.1", 8080), null, serverProxy,
                "127.0.0.1:5500", new InetSocketAddress("127.0.0.1", 5588), DEFAULT_MAX_BODY_BYTES,
                DEFAULT_GLOBAL_CONF_REFRESH_SECONDS, DEFAULT_OCSP_REFRESH_SECONDS, Durability.FSYNC,
                DEFAULT_CHECKPOINT_INTERVAL_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_HEADER_TIMEOUT_SECONDS,
                DEFAULT_MAX_CONNECTIONS, AUTO);
    }

    /**
     * Reads {@code server.yaml}: {@code serverId} and {@code anchor} are required; defaults are
     * clientProxy 127.0.0.1:8080, no clientProxyTls (HTTPS for information systems), serverProxy 0.0.0.0:5500, serverAddress 127.0.0.1:(serverProxy
     * port), admin 127.0.0.1:5588, maxBodyBytes 10485760, globalConfRefreshSeconds 60,
     * ocspRefreshSeconds 300, messageLogDurability fsync, checkpointIntervalSeconds 60,
     * idleTimeoutSeconds 30, headerTimeoutSeconds 10, maxConnections 2000, maxBytesInFlight auto (a
     * number from maxBodyBytes to 2147483647, or auto), messageSignatures batch (or single), and the
     * embedded H2 databases unless databaseUrl, databaseUser and databasePasswordFile name PostgreSQL.
     */
    public static ServerSettings load(Path dir) throws ConfigException {
        ConfigFile file = ConfigFile.read(dir.resolve(FILE), KEYS);
        String idText = file.requireString("serverId");
        SecurityServerId serverId;
        try {
            serverId = SecurityServerId.parse(idText);
        } catch (InvalidIdentifierException e) {
            throw new ConfigException(file.file() + ": key 'serverId' is '" + idText + "'; expected a security server"
                    + " identifier INSTANCE/CLASS/MEMBER/SERVERCODE: " + e.getMessage());
        }
        Path anchor = Path.of(file.requireString("anchor"));
        InetSocketAddress clientProxy = file.listenAddress("clientProxy", "127.0.0.1:8080");
        InetSocketAddress clientProxyTls = file.optionalString("clientProxyTls").isPresent()
                ? file.listenAddress("clientProxyTls", null) : null;
        InetSocketAddress serverProxy = file.listenAddress("serverProxy", "0.0.0.0:5500");
        String serverAddress = file.optionalString("serverAddress").orElse("127.0.0.1:" + serverProxy.getPort());
        try {
            ConfigFile.ConfigValues.hostPort(serverAddress);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": key 'serverAddress' is '" + serverAddress + "'; expected "
                    + e.getMessage());
        }
        InetSocketAddress admin = file.listenAddress("admin", "127.0.0.1:5588");
        int maxBody = file.intValue("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE);
        int refresh = file.intValue("globalConfRefreshSeconds", DEFAULT_GLOBAL_CONF_REFRESH_SECONDS, 1, 3600);
        int ocsp = file.intValue("ocspRefreshSeconds", DEFAULT_OCSP_REFRESH_SECONDS, 1, 86400);
        String durabilityText = file.optionalString("messageLogDurability").orElse("fsync");
        Durability durability;
        try {
            durability = Durability.valueOf(durabilityText.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": key 'messageLogDurability' is '" + durabilityText
                    + "'; expected fsync, commit or async");
        }
        int checkpoints = file.intValue("checkpointIntervalSeconds", DEFAULT_CHECKPOINT_INTERVAL_SECONDS, 1, 86400);
        int idle = file.intValue("idleTimeoutSeconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 3600);
        int header = file.intValue("headerTimeoutSeconds", DEFAULT_HEADER_TIMEOUT_SECONDS, 1, 300);
        int connections = file.intValue("maxConnections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
        int inFlight = "auto".equals(file.optionalString("maxBytesInFlight").orElse("auto")) ? AUTO
                : file.intValue("maxBytesInFlight", AUTO, maxBody, Integer.MAX_VALUE);
        String signaturesText = file.optionalString("messageSignatures").orElse(DEFAULT_MESSAGE_SIGNATURES.text());
        MessageSignatures signatures;
        try {
            signatures = MessageSignatures.parse(signaturesText);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file.file() + ": key 'messageSignatures' is " + e.getMessage());
        }
        DatabaseSettings database = DatabaseSettings.read(file);
        return new ServerSettings(serverId, anchor, clientProxy, clientProxyTls, serverProxy, serverAddress, admin, maxBody,
                refresh, ocsp, durability, checkpoints, idle, header, connections, inFlight, signatures, database);
    }

    /** Writes {@code server.yaml} into {@code dir}, replacing it; {@link #load} reads back equal settings. */
    public void save(Path dir) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("serverId", serverId.format());
        values.put("anchor", anchor.toString());
        values.put("clientProxy", hostPort(clientProxy));
        if (clientProxyTls != null) {
            values.put("clientProxyTls", hostPort(clientProxyTls));
        }
        values.put("serverProxy", hostPort(serverProxy));
        values.put("serverAddress", serverAddress);
        values.put("admin", hostPort(admin));
        values.put("maxBodyBytes", maxBodyBytes);
        values.put("globalConfRefreshSeconds", globalConfRefreshSeconds);
        values.put("ocspRefreshSeconds", ocspRefreshSeconds);
        values.put("messageLogDurability", messageLogDurability.name().toLowerCase(java.util.Locale.ROOT));
        values.put("checkpointIntervalSeconds", checkpointIntervalSeconds);
        values.put("idleTimeoutSeconds", idleTimeoutSeconds);
        values.put("headerTimeoutSeconds", headerTimeoutSeconds);
        values.put("maxConnections", maxConnections);
        values.put("maxBytesInFlight", maxBytesInFlight == AUTO ? "auto" : maxBytesInFlight);
        values.put("messageSignatures", messageSignatures.text());
        values.putAll(database.yaml(dir));
        ConfigFile.write(dir.resolve(FILE), values);
    }

    /** The anchor file's location: {@link #anchor()} resolved against the server directory. */
    public Path anchorFile(Path dir) {
        return dir.resolve(anchor);
    }

    /** Reads and validates the anchor file this configuration names. */
    public Anchor readAnchor(Path dir) throws ConfigurationException {
        return AnchorFile.read(anchorFile(dir));
    }

    /** The host part of {@link #serverAddress()}, which the auth certificate names. */
    public String serverHost() {
        return ConfigFile.ConfigValues.hostPort(serverAddress).getHostString();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", not " + value);
        }
    }
}
