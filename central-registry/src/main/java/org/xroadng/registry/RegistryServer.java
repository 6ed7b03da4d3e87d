package org.xroadng.registry;

import java.io.IOException;
import java.net.URI;
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
        ComponentMetrics metrics = new ComponentMetrics("registry");
        RegistryMetrics registryMetrics = new RegistryMetrics(registry, metrics.registry());
        HttpApiServer server;
        try {
            HttpApiServer.Builder builder = HttpApiServer.builder("registry").bind(settings.listen())
                    .maxBodyBytes(256 * 1024);
            new OperatorApi(registry).addTo(builder);
            new RegistryConsole(registry, settings.baseUrl().getScheme().equalsIgnoreCase("https"), registry.random(),
                    registry.clock()).addTo(builder);
            new PublicEndpoints(registry).addTo(builder);
            new WitnessEndpoints(registry.witness(), registry.configurationSigner(), registryMetrics).addTo(builder);
            registry.tlogWitness().ifPresent(tlog -> new org.xroadng.auditlog.witness.WitnessEndpoints(tlog,
                    TLOG_WITNESS_PREFIX).addTo(builder));
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
                registryMetrics.publishFailed();
                LOG.error("publishing the global configuration failed", e);
            }
        }, settings.refreshSeconds(), settings.refreshSeconds(), TimeUnit.SECONDS);
        return new RegistryServer(server, timer, metrics);
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
