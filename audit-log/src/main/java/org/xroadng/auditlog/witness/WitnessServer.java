package org.xroadng.auditlog.witness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.metrics.ComponentMetrics;

/**
 * The {@code xroad witness} component's HTTP listener: {@link WitnessEndpoints} at the root,
 * {@code GET /metrics} (Prometheus, with {@link WitnessMetrics}) and {@code GET /health}.
 */
public final class WitnessServer implements AutoCloseable {

    private final HttpApiServer server;
    private final ComponentMetrics metrics;

    private WitnessServer(HttpApiServer server, ComponentMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    /**
     * Starts serving {@code witness} on {@code address}; {@code metrics} should be the one whose
     * registry the witness's {@link WitnessMetrics} listener counts into.
     */
    public static WitnessServer start(TlogWitness witness, InetSocketAddress address, ComponentMetrics metrics)
            throws IOException {
        HttpApiServer.Builder builder = HttpApiServer.builder("witness").bind(address)
                .maxBodyBytes(AddCheckpointRequest.MAX_BYTES);
        new WitnessEndpoints(witness, "").addTo(builder);
        metrics.addTo(builder);
        builder.route("GET", "/health", call -> HttpReply.text(200, "ok\n"));
        return new WitnessServer(builder.start(), metrics);
    }

    public URI baseUri() {
        return server.baseUri();
    }

    @Override
    public void close() {
        server.close();
        metrics.close();
    }
}
