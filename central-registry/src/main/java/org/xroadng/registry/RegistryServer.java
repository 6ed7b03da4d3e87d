package org.xroadng.registry;

import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.metrics.ComponentMetrics;
import org.xroadng.registry.api.OperatorApi;
import org.xroadng.registry.api.PublicEndpoints;
import org.xroadng.registry.api.WitnessEndpoints;
import org.xroadng.registry.console.RegistryConsole;

/**
 * The running central registry: the operator API, the management request endpoint, the global
 * configuration and the checkpoint witness on one listener, and a timer that publishes a fresh configuration every
 * {@code refreshSeconds} so that servers never see it expire while the registry runs.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final HttpApiServer server;
    private final ScheduledExecutorService timer;
    private final ComponentMetrics metrics;

    private RegistryServer(HttpApiServer server, ScheduledExecutorService timer, ComponentMetrics metrics) {
        this.server = server;
        this.timer = timer;
        this.metrics = metrics;
    }

    /** Where the registry serves its C2SP tlog-witness ({@code POST /tlog-witness/add-checkpoint} and the reads). */
    public static final String TLOG_WITNESS_PREFIX = "/tlog-witness";

    public static RegistryServer start(Registry registry, RegistrySettings settings) throws IOException, SigningException {
        registry.publish();
        HttpApiServer.Builder builder = HttpApiServer.builder("registry").bind(settings.listen()).maxBodyBytes(256 * 1024);
        new OperatorApi(registry).addTo(builder);
        new RegistryConsole(registry, settings.baseUrl().getScheme().equalsIgnoreCase("https"), registry.random(),
                registry.clock()).addTo(builder);
        new PublicEndpoints(registry).addTo(builder);
        new WitnessEndpoints(registry.witness(), registry.configurationSigner()).addTo(builder);
        registry.tlogWitness().ifPresent(tlog -> new org.xroadng.auditlog.witness.WitnessEndpoints(tlog,
                TLOG_WITNESS_PREFIX).addTo(builder));
        ComponentMetrics metrics = metrics(registry);
        HttpApiServer server;
        try {
            server = metrics.addTo(builder).start();
        } catch (IOException | RuntimeException e) {
            metrics.close();
            throw e;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "registry-globalconf");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                registry.publish();
            } catch (SigningException | RuntimeException e) {
                LOG.error("publishing the global configuration failed", e);
            }
        }, settings.refreshSeconds(), settings.refreshSeconds(), TimeUnit.SECONDS);
        return new RegistryServer(server, timer, metrics);
    }

    /**
     * {@link ComponentMetrics} of the registry's listener, and the registry's own:
     * {@code xroad_registry_global_configuration_version}, {@code ..._age_seconds} (since it was
     * generated) and {@code ..._expiry_seconds} (until the latest published one expires: servers
     * refuse exchanges once theirs has), and {@code xroad_registry_pending_management_requests}
     * (waiting for an operator). NaN when they cannot be read.
     */
    private static ComponentMetrics metrics(Registry registry) {
        ComponentMetrics metrics = new ComponentMetrics("registry");
        Clock clock = registry.clock();
        Gauge.builder("xroad_registry_global_configuration_version",
                        () -> registry.publisher().latest().map(p -> (double) p.version()).orElse(Double.NaN))
                .description("version of the latest global configuration published").register(metrics.registry());
        Gauge.builder("xroad_registry_global_configuration_age_seconds",
                        () -> registry.publisher().latest().map(p -> seconds(p.generatedAt(), clock.instant()))
                                .orElse(Double.NaN))
                .description("seconds since the latest global configuration was generated").register(metrics.registry());
        Gauge.builder("xroad_registry_global_configuration_expiry_seconds",
                        () -> registry.publisher().latest().map(p -> seconds(clock.instant(), p.expiresAt()))
                                .orElse(Double.NaN))
                .description("seconds until the latest global configuration expires").register(metrics.registry());
        Gauge.builder("xroad_registry_pending_management_requests", () -> {
            try {
                return (double) registry.requests().list("pending", 0, 1).total();
            } catch (RegistryException | RuntimeException e) {
                return Double.NaN;
            }
        }).description("management requests waiting for an operator's decision").register(metrics.registry());
        registry.tlogWitness().ifPresent(tlog -> Gauge.builder("xroad_witness_split_views", () -> {
            try {
                return (double) tlog.splitViews().size();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("split views the registry's C2SP witness detected (proof at GET /tlog-witness/split-views)")
                .register(metrics.registry()));
        return metrics;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    public URI baseUri() {
        return server.baseUri();
    }

    /** Every route the listener serves, as {@code "METHOD /template"}. */
    public java.util.List<String> routes() {
        return server.routes();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        server.close();
        metrics.close();
    }
}
