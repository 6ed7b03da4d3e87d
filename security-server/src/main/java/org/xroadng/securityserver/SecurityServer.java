package org.xroadng.securityserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.admin.AdminApi;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.ServerAdmin;
import org.xroadng.securityserver.console.OperatorConsole;
import org.xroadng.securityserver.console.ServerStatus;
import org.xroadng.securityserver.description.HttpDescriptionFetcher;
import org.xroadng.securityserver.keys.CertificateExpiry;
import org.xroadng.securityserver.keys.CertificateRenewal;
import org.xroadng.securityserver.keys.ServerKeys;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.witness.TlogWitnessClient;
import org.xroadng.protocol.accesslog.WitnessClient;
import org.xroadng.securityserver.accesslog.NotePublisher;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.accesslog.RestrictedAccessReader;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.timestamp.BatchTimestamper;
import org.xroadng.securityserver.log.timestamp.TimestampGuardedLog;
import org.xroadng.securityserver.log.timestamp.TimestampHealth;
import org.xroadng.securityserver.log.timestamp.TimestampingConfigurationSource;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;
import org.xroadng.securityserver.log.timestamp.TimestampingSettings;
import org.xroadng.securityserver.message.ServerIdentity;
import org.xroadng.securityserver.metrics.MetricsListener;
import org.xroadng.securityserver.metrics.RecentExchanges;

/**
 * A running security server ({@code xroad server serve}): the admin API and metrics at once, and
 * the message path ({@link DataPlane}) as soon as the server has an authentication certificate.
 * Certificates are imported through the admin API while the server runs, so a watcher starts the
 * data plane when the auth certificate appears and restarts it when it changes; it also records in
 * the local configuration which clients the registry has approved.
 */
public final class SecurityServer implements AutoCloseable, ServerStatus {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityServer.class);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    private final ServerHome home;
    private final HttpApiServer admin;
    private final ConfigurationClient configuration;
    private final MetricsListener metrics;
    private final MessageLog messageLog;
    private final Provider provider;
    private final SecureRandom random;
    private final Clock clock;
    private final ScheduledExecutorService watcher;
    /** Renews due certificates by ACME ({@code acme.yaml}, {@code autoRenew}); its own thread, as it waits on the CA. */
    private final ScheduledExecutorService renewer;
    /** How often the renewer looks for certificates due for renewal. */
    static final Duration RENEWAL_CHECK_INTERVAL = Duration.ofHours(1);
    private volatile DataPlane plane;
    private volatile X509Certificate planeAuthCertificate;
    /** The own certificates the running message path has OCSP responses for (its last refresh's). */
    private List<X509Certificate> planeOwnCertificates = List.of();
    /** When the watcher first saw each of this server's authentication certificates (by hash) registered. */
    private final Map<String, Instant> registeredSince = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long syncedVersion;
    private volatile String lastStartFailure;
    private volatile BatchTimestamper timestamper;
    private volatile DataPlane.AccessLogging accessLogging;
    private volatile H2MessageLog readableLog;
    /** Samples of the exchange totals, for the console's exchanges in the last minute. */
    private final RecentExchanges recentExchanges = new RecentExchanges();

    /** The access log's file in the server directory (H2, without {@code .mv.db}). */
    public static final String ACCESS_LOG_FILE = ServerHome.ACCESS_LOG_FILE;

    private SecurityServer(ServerHome home, HttpApiServer admin, ConfigurationClient configuration, MetricsListener metrics,
                           MessageLog messageLog, Provider provider, SecureRandom random, Clock clock) {
        this.home = home;
        this.admin = admin;
        this.configuration = configuration;
        this.metrics = metrics;
        this.messageLog = messageLog;
        this.provider = provider;
        this.random = random;
        this.clock = clock;
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "server-watch");
            thread.setDaemon(true);
            return thread;
        });
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "certificate-renewal");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the server with its message log: records are timestamped in batches by the approved
     * TSAs ({@link BatchTimestamper}), and once stamping has failed for longer than the configured
     * acceptable time, new exchanges are refused ({@link TimestampGuardedLog}). The access log, when
     * the message log keeps one, answers the accessLog service and is checkpointed to the witness.
     * Close the server before the log.
     */
    public static SecurityServer start(ServerHome home, H2MessageLog messageLog, Provider provider, SecureRandom random,
                                       Clock clock) throws IOException {
        ConfigurationClient configuration = configurationClient(home, provider, clock);
        messageLog.nameThreads(home.settings().serverId().format());
        TimestampHealth health = new TimestampHealth(clock, Duration.ofSeconds(configuration.lastGood()
                .map(c -> (long) c.settings().acceptableTimestampFailureSeconds()).orElse(14_400L)));
        MetricsListener metrics = new MetricsListener();
        BatchTimestamper timestamper = BatchTimestamper.start(messageLog,
                TimestampingConfigurationSource.of(new GlobalConfHolder(configuration)), health,
                TimestampingSettings.defaults(), clock, provider, random, metrics);
        try {
            // Read through acknowledgedAccessLog: a subject's events include every exchange answered before.
            NotePublisher notes = messageLog.accessLog().isPresent() ? notePublisher(home, configuration) : null;
            DataPlane.AccessLogging accessLogging = messageLog.accessLog().map(log -> new DataPlane.AccessLogging(
                    messageLog.acknowledgedAccessLog().orElseThrow(), WitnessClient.forAnchor(configuration::anchor, provider),
                    Duration.ofSeconds(home.settings().checkpointIntervalSeconds()), log::publishingTurn, notes,
                    log.sealed()))
                    .orElse(null);
            SecurityServer server = start(home, configuration, new TimestampGuardedLog(messageLog, health),
                    accessLogging, metrics, provider, random, clock);
            server.timestamper = timestamper;
            server.readableLog = messageLog;
            metrics.messageLogJournal(messageLog::journalStats);
            metrics.messageLogGroups(messageLog::groups);
            metrics.timestamping(timestamper::unstampedRecords, health::failingSince, clock);
            return server;
        } catch (IOException | RuntimeException e) {
            timestamper.close();
            metrics.close();
            throw e;
        }
    }

    /**
     * The standard checkpoints' publisher: the server's note key from its token, and the
     * transparency witnesses it asks: the registry's (at {@value #REGISTRY_TLOG_WITNESS} of the
     * registry the anchor names) and every witness the current global configuration lists.
     */
    private static NotePublisher notePublisher(ServerHome home, ConfigurationClient configuration) throws IOException {
        org.xroadng.auditlog.note.NoteSigner signer;
        try {
            signer = home.keys().accessLogNoteSigner();
        } catch (org.xroadng.certs.token.TokenException e) {
            throw new IOException("the access log note key is not available: " + e.getMessage(), e);
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(WitnessClient.DEFAULT_TIMEOUT).followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .build();
        String registry = home.anchor().downloadUrl().resolve("/").toString().replaceAll("/+$", "")
                + REGISTRY_TLOG_WITNESS;
        TlogWitnessClient registryWitness = new TlogWitnessClient("registry", java.net.URI.create(registry), null, http,
                WitnessClient.DEFAULT_TIMEOUT);
        return new NotePublisher(signer, org.xroadng.auditlog.access.AccessLogOrigin.of(home.settings().serverId()),
                () -> witnesses(registryWitness, configuration, http));
    }

    /** The registry's witness, then those the global configuration lists (a listed one at the registry's URL once). */
    private static java.util.List<TlogWitnessClient> witnesses(TlogWitnessClient registry,
                                                               ConfigurationClient configuration,
                                                               java.net.http.HttpClient http) {
        java.util.List<TlogWitnessClient> all = new java.util.ArrayList<>(java.util.List.of(registry));
        configuration.lastGood().ifPresent(global -> {
            for (var witness : global.transparency().witnesses()) {
                try {
                    java.net.URI url = java.net.URI.create(witness.url().replaceAll("/+$", ""));
                    if (url.equals(registry.base())) {
                        continue;
                    }
                    all.add(new TlogWitnessClient(witness.name(), url,
                            org.xroadng.auditlog.note.NoteVerifierKey.parse(witness.verifierKey()), http,
                            WitnessClient.DEFAULT_TIMEOUT));
                } catch (org.xroadng.auditlog.note.NoteFormatException | IllegalArgumentException e) {
                    LOG.warn("the global configuration's witness {} cannot be used: {}", witness.name(), e.getMessage());
                }
            }
        });
        return all;
    }

    /** Where the registry serves its C2SP tlog-witness, under its own base URL. */
    public static final String REGISTRY_TLOG_WITNESS = "/tlog-witness";

    /** Starts the server with the given log (for example {@link MessageLog#NONE}, to measure without one). */
    public static SecurityServer start(ServerHome home, MessageLog messageLog, Provider provider, SecureRandom random,
                                       Clock clock) throws IOException {
        MetricsListener metrics = new MetricsListener();
        try {
            return start(home, configurationClient(home, provider, clock), messageLog, null, metrics, provider, random,
                    clock);
        } catch (IOException | RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    private static ConfigurationClient configurationClient(ServerHome home, Provider provider, Clock clock) {
        return new ConfigurationClient(home.anchor(), new HttpConfigurationSource(home.anchor()), clock, provider,
                home.dir().resolve("globalconf-cache.jws"), home.anchorFile());
    }

    private static SecurityServer start(ServerHome home, ConfigurationClient configuration, MessageLog messageLog,
                                        DataPlane.AccessLogging accessLogging, MetricsListener metrics,
                                        Provider provider, SecureRandom random, Clock clock) throws IOException {
        HttpApiServer.Builder builder = HttpApiServer.builder("admin").bind(home.settings().admin());
        SecurityServer[] self = new SecurityServer[1];
        ServerAdmin serverAdmin = new ServerAdmin(home.keys(), home.store(), home.registrar(), home.adminKeys(),
                new HttpDescriptionFetcher(AdminApi.DESCRIPTION_TIMEOUT));
        Optional<CertificateRenewal> renewal = home.renewal();
        renewal.ifPresent(serverAdmin::renewal);
        new AdminApi(home.settings(), home.adminKeys(), serverAdmin,
                () -> self[0] == null ? Optional.empty() : self[0].checkpoints(),
                () -> self[0] == null ? Optional.empty() : self[0].restrictedAccesses(),
                () -> self[0] == null ? Optional.empty() : self[0].globalConfiguration().flatMap(g -> g.securityServers()
                        .stream().filter(s -> s.id().equals(home.settings().serverId())).findFirst())
                        .map(GlobalConfiguration.SecurityServer::owner)).addTo(builder);
        // The operator console at / (docs/console.md): the same service layer, so the same roles and audit.
        new OperatorConsole(serverAdmin, home.adminKeys(), new StatusOf(self), false, random, clock).addTo(builder);
        // Unauthenticated, for load balancers and monitoring: 200 while the server can take exchanges.
        builder.route("GET", "/health", call -> {
            if (self[0] == null) {
                return HttpReply.json(503, new Health("DOWN", List.of("the server is starting"), Map.of(), List.of()));
            }
            Map<String, Optional<String>> checks = self[0].checks();
            List<String> problems = checks.values().stream().flatMap(Optional::stream).toList();
            Map<String, String> states = new LinkedHashMap<>();
            checks.forEach((name, problem) -> states.put(name, problem.isEmpty() ? "UP" : "DOWN"));
            return HttpReply.json(problems.isEmpty() ? 200 : 503,
                    new Health(problems.isEmpty() ? "UP" : "DOWN", problems, states, self[0].warnings()));
        });
        builder.route("GET", "/metrics", call -> HttpReply.of(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        HttpApiServer admin = builder.start();
        SecurityServer server = new SecurityServer(home, admin, configuration, metrics, messageLog, provider, random, clock);
        server.accessLogging = accessLogging;
        self[0] = server;
        // a key may be deleted only while another can sign in its place: with the message path running,
        // that needs a good, fresh OCSP response too (while it does not run, nothing signs)
        serverAdmin.signingReadiness(certificate -> Optional.ofNullable(server.plane).map(p -> p.canSign(certificate))
                .orElse(true));
        metrics.dataPlane(() -> Optional.ofNullable(server.plane).map(DataPlane::resources));
        metrics.health(server::problems);
        metrics.globalConfiguration(configuration::lastGood, clock);
        metrics.ownCertificates(() -> Optional.ofNullable(server.plane).flatMap(DataPlane::firstCertificateExpiry),
                () -> Optional.ofNullable(server.plane).flatMap(DataPlane::oldestOcspResponse), clock);
        metrics.messageSigner(server::signerBatches);
        if (accessLogging != null) {
            metrics.accessLog(() -> server.checkpoints().map(CheckpointPublisher::status));
        }
        server.watch();
        server.watcher.scheduleWithFixedDelay(server::watch, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        if (renewal.isPresent() && renewal.get().settings().autoRenew()) {
            server.renewer.scheduleWithFixedDelay(() -> renewDue(serverAdmin), 0, RENEWAL_CHECK_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return server;
    }

    /**
     * One pass of automatic renewal, as the system: each due certificate renewed and audited; a
     * failure is logged and tried again on the next pass, never the end of the renewer.
     */
    private static void renewDue(ServerAdmin serverAdmin) {
        try {
            for (ServerAdmin.RenewalOutcome outcome : serverAdmin.renewDue(Operator.SYSTEM)) {
                if (outcome.failure() != null) {
                    LOG.warn("the certificate of key {} was not renewed: {}", outcome.keyId(), outcome.failure());
                } else {
                    LOG.info("the certificate of key {} was renewed: key {} holds one valid until {}{}", outcome.keyId(),
                            outcome.renewed().keyId(), outcome.renewed().certificate().getNotAfter().toInstant(),
                            outcome.registrationFailure() == null ? "" : "; its registration failed: "
                                    + outcome.registrationFailure() + " (file it with 'xroad server register')");
                }
            }
        } catch (Throwable e) { // a scheduled task that throws runs no more: renewal must outlive any failure
            LOG.error("automatic certificate renewal failed; it is tried again in {}", RENEWAL_CHECK_INTERVAL, e);
        }
    }

    /**
     * Reloads the local configuration when the database holds a newer change; starts or restarts
     * the data plane when the auth certificate appears or changes; syncs registrations.
     */
    private synchronized void watch() {
        try {
            sampleExchanges();
        } catch (RuntimeException e) {
            // a sample lost costs the console's rate, never the watcher: a scheduled task that throws runs no more
            LOG.warn("exchange counts cannot be sampled: {}", e.toString(), e);
        }
        try {
            // a change another node of this server (or an operator's command) made in the shared database
            if (home.store().refreshIfChanged()) {
                LOG.info("local configuration changed in the database; reloaded");
            }
        } catch (RuntimeException e) {
            LOG.warn("the local configuration cannot be read back: {}", e.getMessage());
        }
        try {
            // a key or certificate another node of this server stored in the shared database
            if (home.keys().syncShared()) {
                LOG.info("keys changed on another node of this server; adopted");
            }
        } catch (TokenException | RuntimeException e) {
            LOG.warn("the keys another node of this server shared cannot be adopted: {}", e.getMessage());
        }
        try {
            chooseAuthKey();
            Optional<X509Certificate> auth = home.keys().authCertificate();
            if (auth.isPresent() && !auth.get().equals(planeAuthCertificate) && plane != null) {
                // TLS presents the key in use at each handshake (ServerKeys.authKeyManager): no restart.
                LOG.info("security server {} presents authentication certificate {} from now on",
                        home.settings().serverId(), auth.get().getSerialNumber().toString(16));
                planeAuthCertificate = auth.get();
                plane.authKeyChanged(); // pooled connections to peers carry the old one until replaced
            }
            if (auth.isPresent() && plane == null) {
                ServerSettings settings = home.settings();
                DataPlane.Settings planeSettings = new DataPlane.Settings(settings.clientProxy(), settings.clientProxyTls(), settings.serverProxy(),
                        settings.maxBodyBytes(), Duration.ofSeconds(settings.globalConfRefreshSeconds()),
                        Duration.ofSeconds(settings.ocspRefreshSeconds()), Runtime.getRuntime().availableProcessors(),
                        new DataPlane.Limits(Duration.ofSeconds(settings.idleTimeoutSeconds()),
                                Duration.ofSeconds(settings.headerTimeoutSeconds()), settings.maxConnections(),
                                settings.bytesInFlight(Runtime.getRuntime().maxMemory())), settings.messageSignatures());
                plane = DataPlane.start(planeSettings, identity(home.keys()), home.store()::current, configuration,
                        messageLog, accessLogging, metrics, provider, random, clock);
                planeAuthCertificate = auth.get();
                planeOwnCertificates = home.keys().ownCertificates();
                lastStartFailure = null;
                LOG.info("security server {}: client proxy on {}, server proxy on {}", home.settings().serverId(),
                        plane.clientProxyAddress(), plane.serverProxyAddress());
            }
            List<X509Certificate> own = home.keys().ownCertificates();
            if (plane != null && !own.equals(planeOwnCertificates)) {
                // A certificate was imported (a signing key's, say, in a rotation): fetch its OCSP status
                // now rather than at the next scheduled refresh, so the new key signs within seconds.
                LOG.info("this server's certificates changed; fetching their OCSP status now");
                plane.refreshOcsp();
                planeOwnCertificates = own;
            }
            Optional<GlobalConfiguration> conf = configuration.lastGood();
            if (conf.isPresent() && conf.get().version() != syncedVersion) {
                home.store().syncRegistrations(conf.get());
                syncedVersion = conf.get().version();
            }
        } catch (IOException | RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(lastStartFailure)) {
                LOG.error("the message path cannot start: {}", e.getMessage());
                lastStartFailure = String.valueOf(e.getMessage());
            }
        }
    }

    /** The running server's status for the console, which starts before the server object exists. */
    private record StatusOf(SecurityServer[] self) implements ServerStatus {
        private Optional<SecurityServer> server() {
            return Optional.ofNullable(self[0]);
        }

        @Override
        public Optional<GlobalConfiguration> globalConfiguration() {
            return server().flatMap(ServerStatus::globalConfiguration);
        }

        @Override
        public Map<String, Optional<String>> checks() {
            return server().map(SecurityServer::checks).orElse(Map.of("messagePath",
                    Optional.of("the server is starting")));
        }

        @Override
        public java.util.OptionalLong unstampedRecords() {
            return server().map(ServerStatus::unstampedRecords).orElse(java.util.OptionalLong.empty());
        }

        @Override
        public Optional<java.time.Instant> timestampingFailingSince() {
            return server().flatMap(ServerStatus::timestampingFailingSince);
        }

        @Override
        public Optional<CheckpointPublisher.Status> checkpointStatus() {
            return server().flatMap(ServerStatus::checkpointStatus);
        }

        @Override
        public MetricsListener.ExchangeCounts exchanges() {
            return server().map(ServerStatus::exchanges).orElse(new MetricsListener.ExchangeCounts(0, 0, 0, Map.of()));
        }

        @Override
        public Optional<RecentExchanges.Window> lastMinute() {
            return server().flatMap(ServerStatus::lastMinute);
        }

        @Override
        public Optional<H2MessageLog> messageLog() {
            return server().flatMap(ServerStatus::messageLog);
        }

        @Override
        public Optional<String> signedConfiguration() {
            return server().flatMap(ServerStatus::signedConfiguration);
        }
    }

    @Override
    public Optional<GlobalConfiguration> globalConfiguration() {
        return configuration.lastGood();
    }

    @Override
    public java.util.OptionalLong unstampedRecords() {
        BatchTimestamper stamper = timestamper;
        return stamper == null ? java.util.OptionalLong.empty() : stamper.unstampedRecords();
    }

    @Override
    public Optional<java.time.Instant> timestampingFailingSince() {
        BatchTimestamper stamper = timestamper;
        return stamper == null ? Optional.empty() : stamper.health().failingSince();
    }

    @Override
    public Optional<CheckpointPublisher.Status> checkpointStatus() {
        return checkpoints().map(CheckpointPublisher::status);
    }

    /**
     * What the batch signer did since the message path (re)started: signatures made and the
     * messages they cover; empty while the path is not running or signs each message alone.
     */
    public Optional<org.xroadng.securityserver.message.BatchMessageSigner.Batches> signerBatches() {
        return Optional.ofNullable(plane).flatMap(DataPlane::signerBatches);
    }

    @Override
    public MetricsListener.ExchangeCounts exchanges() {
        return metrics.exchangeCounts();
    }

    /**
     * Exchanges in the last minute: the totals now less those the watcher sampled (every
     * {@link #WATCH_INTERVAL}) about a minute ago, or at start for a younger server.
     */
    @Override
    public Optional<RecentExchanges.Window> lastMinute() {
        return recentExchanges.lastMinute(clock.instant(), metrics.exchangeCounts());
    }

    private void sampleExchanges() {
        recentExchanges.sample(clock.instant(), metrics.exchangeCounts());
    }

    @Override
    public Optional<H2MessageLog> messageLog() {
        return Optional.ofNullable(readableLog);
    }

    /** The signed global configuration as last downloaded (the cache file), for evidence bundles. */
    @Override
    public Optional<String> signedConfiguration() {
        try {
            java.nio.file.Path cache = home.dir().resolve("globalconf-cache.jws");
            return java.nio.file.Files.exists(cache)
                    ? Optional.of(java.nio.file.Files.readString(cache, StandardCharsets.US_ASCII).strip())
                    : Optional.empty();
        } catch (IOException e) {
            LOG.warn("the cached global configuration cannot be read: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The data plane's view of the server's keys. */
    static ServerIdentity identity(ServerKeys keys) {
        return new ServerIdentity() {
            @Override
            public SecurityServerId serverId() {
                return keys.serverId();
            }

            @Override
            public X509KeyManager authKeyManager() {
                try {
                    return keys.authKeyManager();
                } catch (TokenException e) {
                    throw new IllegalStateException("the authentication key cannot be used: " + e.getMessage(), e);
                }
            }

            @Override
            public Optional<MemberKey> signingKey(MemberId member) {
                return signingKeys(member).stream().findFirst();
            }

            @Override
            public List<MemberKey> signingKeys(MemberId member) {
                return keys.signers(member);
            }

            @Override
            public List<X509Certificate> ownCertificates() {
                return keys.ownCertificates();
            }
        };
    }

    /**
     * What {@code GET /health} answers: {@code UP} with no problems, or {@code DOWN} with each named;
     * and each check by name, {@code UP} or {@code DOWN} (see {@link #checks}).
     */
    /**
     * What {@code GET /health} answers: {@code warnings} are things to act on soon that do not stop
     * the server now (a certificate that expires within {@link CertificateExpiry#AHEAD}).
     */
    public record Health(String status, List<String> problems, Map<String, String> checks, List<String> warnings) {
    }

    /** Sentences for an operator about what needs doing soon: the server's certificates that expire within 30 days. */
    public List<String> warnings() {
        Instant now = clock.instant();
        return CertificateExpiry.dueSoon(home.keys().keys(), now).stream().map(c -> c.sentence(now)).toList();
    }

    /**
     * Why the server cannot take exchanges now, each a sentence for an operator; empty while it
     * can. The problems of {@link #checks}.
     */
    public List<String> problems() {
        return checks().values().stream().flatMap(Optional::stream).toList();
    }

    /**
     * Each condition the server needs to take exchanges, by name, with the problem when it does
     * not hold: {@code messagePath} (the proxies run), {@code database} (the configuration tables
     * answer), {@code globalConfiguration} (a verified one that has not expired),
     * {@code ocsp} (a fresh good response for each of the server's certificates), {@code messageLog}
     * (the writer runs and reads back), {@code timestamping} (within its acceptable failure time) and
     * {@code accessLog} (the witness takes its checkpoints). Sentences for operators: they name no
     * secret, and the admin API (with a key) tells more.
     */
    @Override
    public Map<String, Optional<String>> checks() {
        Map<String, Optional<String>> checks = new LinkedHashMap<>();
        DataPlane running = plane;
        checks.put("messagePath", running != null ? Optional.empty() : Optional.of(lastStartFailure != null
                ? "the message path does not run: " + lastStartFailure
                : "the message path does not run: no authentication certificate imported yet"));
        checks.put("database", home.store().reachable() ? Optional.empty()
                : Optional.of("the configuration database does not answer; the server's log says why"));
        Optional<String> global;
        try {
            configuration.current();
            global = Optional.empty();
        } catch (ConfigurationException e) {
            global = Optional.of("global configuration: " + e.getMessage().substring(e.reason().name().length() + 2));
        }
        checks.put("globalConfiguration", global);
        checks.put("ocsp", running == null ? Optional.empty() : running.ocspProblem());
        checks.put("messageLog", messageLog.unavailable());
        Optional<String> timestamping = Optional.empty();
        BatchTimestamper stamper = timestamper;
        if (stamper != null) {
            try {
                stamper.health().check();
            } catch (TimestampingOverdueException e) {
                timestamping = Optional.of(e.getMessage());
            }
        }
        checks.put("timestamping", timestamping);
        // The publisher's own words may carry storage details: GET /access-log (with an API key) shows them.
        checks.put("accessLog", checkpoints().map(CheckpointPublisher::status)
                .map(CheckpointPublisher.Status::lastFailure)
                .map(failure -> "access log checkpoints are not being witnessed;"
                        + " GET /api/v1/access-log on the admin API says why"));
        return checks;
    }

    /** The server's access log, when it keeps one (started with its message log). */
    public Optional<AccessLog> accessLog() {
        DataPlane.AccessLogging logging = accessLogging;
        return logging == null ? Optional.empty() : Optional.of(logging.log());
    }

    /**
     * Of the certified authentication keys, uses the newest whose certificate the global
     * configuration has listed for this server for at least {@link #authSwitchDelay}, so that peers
     * (which refresh their configuration as often) accept it before it is presented; until then the
     * key in use stays. A new key's certificate is thus taken into use after its authCertReg is
     * approved, and the old one can then be withdrawn (authCertDeletion) without a failed exchange.
     */
    private void chooseAuthKey() {
        List<ServerKeys.KeyInfo> certified = home.keys().authKeys();
        Optional<GlobalConfiguration> conf = configuration.lastGood();
        if (certified.size() < 2 || conf.isEmpty()) {
            return;
        }
        List<String> registered = conf.get().securityServers().stream()
                .filter(s -> s.id().equals(home.settings().serverId())).findFirst()
                .map(GlobalConfiguration.SecurityServer::authCertificateHashes).orElse(List.of());
        Instant now = clock.instant();
        String inUse = home.keys().authKeyInUse().map(ServerKeys.KeyInfo::keyId).orElse(null);
        for (ServerKeys.KeyInfo key : certified) { // newest first
            String hash = AuthCertificateTrustManager.hash(key.certificate().orElseThrow());
            if (!registered.contains(hash)) {
                continue;
            }
            Instant since = registeredSince.computeIfAbsent(hash, h -> now);
            if (key.keyId().equals(inUse)) {
                return; // the newest registered long enough is in use already
            }
            if (!now.isBefore(since.plus(authSwitchDelay()))) {
                try {
                    home.keys().useAuthKey(key.keyId());
                } catch (ServerException e) {
                    LOG.warn("authentication key {} cannot be taken into use: {}", key.keyId(), e.getMessage());
                }
                return;
            }
        }
    }

    /** How long a new authentication certificate must be in the global configuration before it is presented. */
    private Duration authSwitchDelay() {
        return Duration.ofSeconds(2L * home.settings().globalConfRefreshSeconds());
    }

    /** The checkpoint publisher of the running message path, when the server keeps an access log. */
    /** The inspector's reader of restricted accesses, while the message path runs with an access log. */
    public Optional<RestrictedAccessReader> restrictedAccesses() {
        DataPlane current = plane;
        return current == null ? Optional.empty() : current.restrictedAccesses();
    }

    public Optional<CheckpointPublisher> checkpoints() {
        DataPlane current = plane;
        return current == null ? Optional.empty() : current.checkpoints();
    }

    public URI adminUri() {
        return admin.baseUri();
    }

    /** The client proxy's address once the message path runs. */
    public Optional<InetSocketAddress> clientProxyAddress() {
        DataPlane current = plane;
        return current == null ? Optional.empty() : Optional.of(current.clientProxyAddress());
    }

    public Optional<InetSocketAddress> serverProxyAddress() {
        DataPlane current = plane;
        return current == null ? Optional.empty() : Optional.of(current.serverProxyAddress());
    }

    /** Runs the watcher now and refreshes configuration and OCSP (after registrations, in tests and the demo). */
    public synchronized void refreshNow() {
        watch();
        DataPlane current = plane;
        if (current != null) {
            current.refreshNow();
        }
        watch();
    }

    @Override
    public synchronized void close() {
        watcher.shutdownNow();
        renewer.shutdownNow();
        if (plane != null) {
            plane.close();
        }
        if (timestamper != null) {
            timestamper.close();
        }
        admin.close();
        metrics.close();
    }
}
