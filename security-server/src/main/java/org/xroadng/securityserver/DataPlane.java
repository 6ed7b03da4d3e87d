package org.xroadng.securityserver;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.http.Transport;
import org.xroadng.securityserver.clientproxy.ClientProxy;
import org.xroadng.securityserver.clientproxy.ClientProxyService;
import org.xroadng.securityserver.clientproxy.ProviderServers;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.metadata.ListClients;
import org.xroadng.securityserver.message.MessageSigner;
import org.xroadng.securityserver.message.MessageVerifier;
import org.xroadng.securityserver.message.OwnOcspResponses;
import org.xroadng.securityserver.message.SingleMessageSigner;
import org.xroadng.securityserver.message.BatchMessageSigner;
import org.xroadng.securityserver.message.BatchMessageVerifier;
import org.xroadng.securityserver.message.MessageSignatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.securityserver.accesslog.AccessLogService;
import org.xroadng.securityserver.accesslog.RestrictedAccessReader;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.accesslog.NotePublisher;
import org.xroadng.securityserver.accesslog.OwnerCheckpointSigner;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.protocol.accesslog.Witness;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.securityserver.message.ServerIdentity;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.http.BodyBudget;
import org.xroadng.securityserver.http.ConnectionStats;
import org.xroadng.securityserver.http.ProxyGuards;
import org.xroadng.securityserver.transport.TlsRefusalLog;
import org.xroadng.securityserver.serverproxy.ProviderIsClient;
import org.xroadng.securityserver.serverproxy.ServerProxy;
import org.xroadng.securityserver.serverproxy.ServerProxyService;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.PeerClient;

/**
 * A security server's message path, running: the client proxy, the server proxy and their clients
 * on Netty event loops (message checks and signatures run there: CPU work, no blocking I/O), a
 * worker pool for TLS certificate checks (which may fetch OCSP), and the schedules that keep the
 * global configuration and the server's own OCSP responses fresh.
 *
 * <p>Start-up order matters: the global configuration is downloaded and the OCSP responses fetched
 * before the listeners open, so the first message finds both ready.
 */
public final class DataPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    /**
     * Where and how the proxies run.
     *
     * @param clientProxyTls the client proxy's HTTPS listener, or null for none
     * @param workerThreads  threads for TLS certificate checks, which may wait for an OCSP responder
     */
    public record Settings(InetSocketAddress clientProxy, InetSocketAddress clientProxyTls, InetSocketAddress serverProxy,
                           int maxBodyBytes, Duration globalConfRefresh, Duration ocspRefresh, int workerThreads,
                           Limits limits, MessageSignatures signatures) {
        public Settings {
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(signatures, "signatures");
            if (limits.maxBytesInFlight() < maxBodyBytes) {
                throw new IllegalArgumentException("maxBytesInFlight " + limits.maxBytesInFlight()
                        + " is smaller than maxBodyBytes " + maxBodyBytes);
            }
        }

        /** Settings that sign each message alone (tests that exercise the single form; servers pass their messageSignatures). */
        public Settings(InetSocketAddress clientProxy, InetSocketAddress clientProxyTls, InetSocketAddress serverProxy,
                        int maxBodyBytes, Duration globalConfRefresh, Duration ocspRefresh, int workerThreads,
                        Limits limits) {
            this(clientProxy, clientProxyTls, serverProxy, maxBodyBytes, globalConfRefresh, ocspRefresh, workerThreads,
                    limits, MessageSignatures.SINGLE);
        }
    }

    /**
     * Resources each proxy may hold (DESIGN.md section 9).
     *
     * @param idleTimeout      how long a connection may wait for its next request
     * @param headerTimeout    how long a request's head may take to arrive once it has begun
     * @param maxConnections   connections each proxy keeps open at most (the client proxy's HTTP and
     *                         HTTPS listeners together); more are closed at once
     * @param maxBytesInFlight message body bytes the server holds in memory at once, over all exchanges
     */
    public record Limits(Duration idleTimeout, Duration headerTimeout, int maxConnections, long maxBytesInFlight) {
        public Limits {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || headerTimeout.isNegative() || headerTimeout.isZero()
                    || maxConnections < 1 || maxBytesInFlight < 1) {
                throw new IllegalArgumentException("limits must be positive: " + idleTimeout + ", " + headerTimeout
                        + ", " + maxConnections + ", " + maxBytesInFlight);
            }
        }
    }

    /** What the resource limits have done so far, for metrics. */
    public record ResourceStats(ConnectionStats clientProxy, ConnectionStats serverProxy, BodyBudget bodies,
                                TlsRefusalLog tlsRefusals) {
    }

    private final EventLoopGroup boss;
    private final EventLoopGroup loops;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService checkpointing;
    private final GlobalConfHolder globalConf;
    private final OwnOcspResponses ocsp;
    /** When the first of the server's own certificates (authentication, signing) expires; null if it has none. */
    private volatile Instant firstCertificateExpiry;
    private ClientProxy clientProxy;
    private ServerProxy serverProxy;
    private PeerClient peers;
    private ProviderIsClient providerIs;
    private volatile CheckpointPublisher checkpoints;
    private volatile RestrictedAccessReader restricted;

    /** How often restricted accesses whose date has come are disclosed. */
    public static final Duration DISCLOSURE_INTERVAL = Duration.ofSeconds(5);
    private BatchMessageSigner batchSigner;
    private final ResourceStats resources;
    private final InFlightExchanges exchanges;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** How long {@link #close} waits for the exchanges in progress to be answered. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    /** How long the event loops, once asked to stop, wait for late tasks (an answer queued as its exchange ends). */
    private static final Duration LOOPS_QUIET = Duration.ofMillis(100);

    private DataPlane(String server, GlobalConfHolder globalConf, OwnOcspResponses ocsp, ExecutorService workers,
                      Limits limits, ExchangeListener listener, Clock clock) {
        this.exchanges = new InFlightExchanges(listener);
        this.resources = new ResourceStats(new ConnectionStats(), new ConnectionStats(),
                new BodyBudget(limits.maxBytesInFlight()), TlsRefusalLog.toLogger(clock));
        this.globalConf = globalConf;
        this.ocsp = ocsp;
        this.workers = workers;
        this.boss = Transport.chosen().group(1, new DefaultThreadFactory(ServerThreads.name("proxy-accept", server), true));
        this.loops = Transport.chosen().group(Runtime.getRuntime().availableProcessors(),
                new DefaultThreadFactory(ServerThreads.name("proxy-io", server), true));
        this.timers = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory(ServerThreads.name("proxy-timers", server), true));
        this.checkpointing = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory(ServerThreads.name("checkpoint-publisher", server), true));
    }

    /**
     * The access log of a server that keeps one (DESIGN.md section 7): checkpoints are published
     * to {@code witness} every {@code checkpointInterval} while it is this process's
     * {@code publishing} turn (one node of a clustered server at a time), and the reserved accessLog
     * service answers from {@code log}. With {@code notes}, each witnessed checkpoint is also
     * published as a C2SP checkpoint note to the transparency witnesses. With {@code sealed}, the
     * restricted accesses' secrets: they are disclosed on their dates (a job every
     * {@link #DISCLOSURE_INTERVAL}, and before each accessLog answer), the accessLog service reveals
     * them, and the inspector reads them ({@link #restrictedAccesses()}).
     */
    public record AccessLogging(AccessLog log, Witness witness, Duration checkpointInterval,
                                CheckpointPublisher.PublishingTurn publishing, NotePublisher notes,
                                SealedEvents sealed) {

        public AccessLogging(AccessLog log, Witness witness, Duration checkpointInterval,
                             CheckpointPublisher.PublishingTurn publishing, NotePublisher notes) {
            this(log, witness, checkpointInterval, publishing, notes, null);
        }

        public AccessLogging(AccessLog log, Witness witness, Duration checkpointInterval,
                             CheckpointPublisher.PublishingTurn publishing) {
            this(log, witness, checkpointInterval, publishing, null, null);
        }

        public AccessLogging {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(witness, "witness");
            Objects.requireNonNull(publishing, "publishing");
            if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
                throw new IllegalArgumentException("checkpointInterval must be positive, not " + checkpointInterval);
            }
        }

        /** Access logging for a server of one process, which always publishes its checkpoints. */
        public AccessLogging(AccessLog log, Witness witness, Duration checkpointInterval) {
            this(log, witness, checkpointInterval, CheckpointPublisher.PublishingTurn.ALWAYS);
        }
    }

    /** Starts the proxies; {@code accessLogging} null: no access log, no accessLog service. */
    public static DataPlane start(Settings settings, ServerIdentity identity, Supplier<LocalConfiguration> localConf,
                                  ConfigurationClient configurationClient, MessageLog messageLog,
                                  AccessLogging accessLogging, ExchangeListener listener, Provider provider,
                                  SecureRandom random, Clock clock)
            throws IOException {
        String server = identity.serverId().format();
        ExecutorService workers = Executors.newFixedThreadPool(settings.workerThreads(),
                new DefaultThreadFactory(ServerThreads.name("proxy-work", server), true));
        GlobalConfHolder globalConf = new GlobalConfHolder(configurationClient);
        HttpOcspTransport ocspTransport = HttpOcspTransport.withTimeout(Duration.ofSeconds(10));
        OwnOcspResponses ocsp = new OwnOcspResponses(identity, globalConf, ocspTransport, clock, provider, random);
        DataPlane plane = new DataPlane(server, globalConf, ocsp, workers, settings.limits(), listener, clock);
        plane.firstCertificateExpiry = identity.ownCertificates().stream().map(c -> c.getNotAfter().toInstant())
                .min(Comparator.naturalOrder()).orElse(null);
        ExchangeListener counted = plane.exchanges;
        Limits limits = settings.limits();
        try {
            globalConf.refresh();
            ocsp.refresh();
            plane.timers.scheduleWithFixedDelay(globalConf::refresh, settings.globalConfRefresh().toMillis(),
                    settings.globalConfRefresh().toMillis(), TimeUnit.MILLISECONDS);
            plane.timers.scheduleWithFixedDelay(ocsp::refresh, settings.ocspRefresh().toMillis(),
                    settings.ocspRefresh().toMillis(), TimeUnit.MILLISECONDS);

            int freshness = configurationClient.lastGood().map(c -> c.settings().ocspFreshnessSeconds()).orElse(3600);
            AuthCertificateTrustManager trustManager = new AuthCertificateTrustManager(globalConf,
                    new OcspClient(ocspTransport, clock, Duration.ofSeconds(freshness), provider, random), clock);
            MessageSigner signer;
            if (settings.signatures() == MessageSignatures.BATCH) {
                BatchMessageSigner batchSigner = BatchMessageSigner.start(identity, ocsp, random, MessageSignatures.MAX_BATCH,
                        plane.loops);
                plane.batchSigner = batchSigner;
                signer = batchSigner;
            } else {
                signer = new SingleMessageSigner(identity, ocsp);
            }
            // Both forms from peers, whichever this server signs with.
            MessageVerifier verifier = new BatchMessageVerifier(provider, clock);
            PeerClient peers = new PeerClient(identity.authKeyManager(), trustManager, plane.loops, workers,
                    settings.maxBodyBytes() + 64 * 1024, Duration.ofSeconds(10));
            plane.peers = peers;
            ClientProxyService consumerSide = new ClientProxyService(localConf, globalConf, signer, verifier, peers,
                    new ProviderServers(clock, java.util.concurrent.ThreadLocalRandom::current), messageLog, counted, clock);
            plane.providerIs = new ProviderIsClient(plane.loops, workers, settings.maxBodyBytes());
            AccessLogService accessLogService = null;
            if (accessLogging != null) {
                CheckpointPublisher publisher = new CheckpointPublisher(identity.serverId(),
                        accessLogging.log().merkleLog(),
                        new OwnerCheckpointSigner(identity, ocsp, globalConf, clock, provider, random),
                        accessLogging.witness(), clock, accessLogging.publishing(), accessLogging.notes());
                plane.checkpoints = publisher;
                long interval = accessLogging.checkpointInterval().toMillis();
                // Its own thread: a sync waiting on a failing disk must hold up neither TLS checks nor timers.
                plane.checkpointing.scheduleWithFixedDelay(publisher::publishQuietly, interval, interval,
                        TimeUnit.MILLISECONDS);
                SealedEvents sealed = accessLogging.sealed();
                accessLogService = new AccessLogService(identity.serverId(), accessLogging.log(), publisher, workers,
                        sealed, clock);
                if (sealed != null) {
                    // Restricted accesses are disclosed on their dates (DESIGN.md section 7), checked every few seconds.
                    plane.checkpointing.scheduleWithFixedDelay(() -> discloseQuietly(sealed, clock),
                            DISCLOSURE_INTERVAL.toMillis(), DISCLOSURE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
                    plane.restricted = new RestrictedAccessReader(identity.serverId(), sealed, messageLog, clock, random);
                }
            }
            ServerProxyService providerSide = new ServerProxyService(localConf, globalConf, verifier, signer,
                    plane.providerIs, messageLog, counted, clock, accessLogService);
            ResourceStats resources = plane.resources;
            ProxyGuards serverGuards = new ProxyGuards(resources.serverProxy(), resources.bodies(), limits.maxConnections(),
                    limits.idleTimeout(), limits.headerTimeout(), settings.maxBodyBytes(), ErrorType.SERVER_PROXY_OVERLOADED);
            ProxyGuards clientGuards = new ProxyGuards(resources.clientProxy(), resources.bodies(), limits.maxConnections(),
                    limits.idleTimeout(), limits.headerTimeout(), settings.maxBodyBytes(), ErrorType.CLIENT_PROXY_OVERLOADED);
            plane.serverProxy = ServerProxy.start(settings.serverProxy(), identity.authKeyManager(), trustManager,
                    providerSide, globalConf, serverGuards, resources.tlsRefusals(), plane.boss, plane.loops, workers);
            plane.clientProxy = ClientProxy.start(settings.clientProxy(), settings.clientProxyTls(),
                    identity.authKeyManager(), consumerSide, new ListClients(globalConf), clientGuards, plane.boss, plane.loops,
                    workers);
            return plane;
        } catch (IOException | RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    /** Why signatures could not carry a fresh good OCSP response now, if they could not. */
    public Optional<String> ocspProblem() {
        return ocsp.problem();
    }

    /** When the oldest OCSP response for the server's own certificates was produced ({@link OwnOcspResponses#oldestResponse}). */
    public Optional<Instant> oldestOcspResponse() {
        return ocsp.oldestResponse();
    }

    /**
     * Whether a signature by {@code certificate} can carry an OCSP response now (good, and fresh by
     * the current global configuration): what a signer needs before it uses the certificate
     * ({@link OwnOcspResponses#choose}).
     */
    public boolean canSign(java.security.cert.X509Certificate certificate) {
        try {
            ocsp.forSignature(certificate, globalConf.current(ErrorType.CLIENT_PROXY_OUTDATED_GLOBAL_CONF)
                    .ocspFreshness());
            return true;
        } catch (ExchangeException | org.xroadng.securityserver.message.MessageSigningException e) {
            return false;
        }
    }

    /** When the first of the server's own certificates (authentication, signing) expires. */
    public Optional<Instant> firstCertificateExpiry() {
        return Optional.ofNullable(firstCertificateExpiry);
    }

    /** What the batch signer did, when this server signs in batches ({@code messageSignatures: batch}). */
    public Optional<BatchMessageSigner.Batches> signerBatches() {
        return Optional.ofNullable(batchSigner).map(BatchMessageSigner::batches);
    }

    /** Open connections, refusals and bytes in flight so far. */
    public ResourceStats resources() {
        return resources;
    }

    public InetSocketAddress clientProxyAddress() {
        return clientProxy.address();
    }

    public java.util.Optional<InetSocketAddress> clientProxyTlsAddress() {
        return clientProxy.tlsAddress();
    }

    public InetSocketAddress serverProxyAddress() {
        return serverProxy.address();
    }

    /** The access log's checkpoint publisher, if this plane keeps an access log. */
    /** The inspector's reader of restricted accesses, when this server keeps their secrets. */
    public Optional<RestrictedAccessReader> restrictedAccesses() {
        return Optional.ofNullable(restricted);
    }

    /** The disclosure job's run: a failure is logged and tried again at the next run. */
    private static void discloseQuietly(SealedEvents sealed, Clock clock) {
        try {
            int disclosed = sealed.discloseDue(clock.instant());
            if (disclosed > 0) {
                LOG.info("{} restricted accesses disclosed on their date", disclosed);
            }
        } catch (RuntimeException e) {
            LOG.warn("restricted accesses due could not be disclosed now: {}", e.getMessage());
        }
    }

    public Optional<CheckpointPublisher> checkpoints() {
        return Optional.ofNullable(checkpoints);
    }

    /**
     * This server presents another authentication certificate from now on: connections to peers
     * opened with the old one are replaced (see {@link PeerClient#authKeyChanged}).
     */
    public void authKeyChanged() {
        PeerClient current = peers;
        if (current != null) {
            current.authKeyChanged();
        }
    }

    /** Fetches the OCSP responses for the server's own certificates now (one was imported). */
    public void refreshOcsp() {
        ocsp.refresh();
    }

    /** Downloads the global configuration and refetches OCSP responses now (for tests and admin actions). */
    public void refreshNow() {
        globalConf.refresh();
        ocsp.refresh();
    }

    /**
     * Stops in the order that lets every exchange in progress end normally: stop accepting
     * connections; wait (up to {@link #DRAIN_LIMIT}) until the exchanges in progress are answered,
     * while the event loops, workers and logs they need still run (an answer is completed on a log
     * writer's thread and written through its connection's event loop); then close the clients,
     * let the schedules finish what they are doing, and stop the event loops and workers, waiting
     * for them, so that the caller can close the logs behind this plane. Closing again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (clientProxy != null) {
            clientProxy.close();
        }
        if (serverProxy != null) {
            serverProxy.close();
        }
        boolean interrupted = false;
        try {
            exchanges.stopAndAwaitNone(DRAIN_LIMIT);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (peers != null) {
            peers.close();
        }
        if (providerIs != null) {
            providerIs.close();
        }
        if (batchSigner != null) {
            batchSigner.close();
        }
        interrupted |= stop(timers);
        interrupted |= stop(checkpointing);
        var bossDone = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        var loopsDone = loops.shutdownGracefully(LOOPS_QUIET.toMillis(), 2000, TimeUnit.MILLISECONDS);
        bossDone.awaitUninterruptibly(5, TimeUnit.SECONDS);
        loopsDone.awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Cancels a schedule's periodic tasks and lets the one running finish (a checkpoint being posted,
     * a configuration download) rather than interrupting it; interrupts it after 5 s. Answers
     * whether the caller was interrupted while waiting.
     */
    private static boolean stop(ScheduledExecutorService schedule) {
        schedule.shutdown();
        try {
            if (!schedule.awaitTermination(5, TimeUnit.SECONDS)) {
                schedule.shutdownNow();
            }
            return false;
        } catch (InterruptedException e) {
            schedule.shutdownNow();
            return true;
        }
    }
}
