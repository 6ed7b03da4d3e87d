package org.xroadng.protocol.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;

/**
 * The Prometheus metrics of one component's HTTP listener (the registry, the trust services),
 * served at {@code GET /metrics} on it: every answer counted as
 * {@code xroad_http_requests_total{component,method,route,status}} and timed as
 * {@code xroad_http_request_seconds{component,route}} (by route template, so the series stay
 * bounded whatever paths are requested), the JVM's own metrics ({@code jvm_*}, {@code process_*},
 * {@code system_*}), and whatever gauges the component adds to {@link #registry()}. Close it with
 * the component: it stops listening to garbage collections.
 */
public final class ComponentMetrics implements HttpApiServer.RequestObserver, AutoCloseable {

    /** The content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String component;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc;
    private final Map<Answer, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private record Answer(String method, String route, int status) {
    }

    /** For {@code component} (the {@code component} tag: {@code registry}, {@code trust}). */
    public ComponentMetrics(String component) {
        this.component = component;
        this.gc = bindJvm(registry);
    }

    /**
     * Binds the JVM's metrics (memory, garbage collection, threads, class loading, CPU, uptime) to
     * {@code registry}; returns the garbage-collection binder, which must be closed to stop listening.
     */
    public static JvmGcMetrics bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return gc;
    }

    /** Where the component registers gauges and counters of its own. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Serves {@code GET /metrics} on {@code builder}'s listener and counts every answer it gives. */
    public HttpApiServer.Builder addTo(HttpApiServer.Builder builder) {
        return builder.observe(this).route("GET", "/metrics",
                call -> HttpReply.of(200, CONTENT_TYPE, scrape().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void answered(String method, String route, int status, long nanos) {
        counters.computeIfAbsent(new Answer(method, route, status), a -> Counter.builder("xroad_http_requests")
                .description("HTTP requests answered, by route template and status")
                .tag("component", component).tag("method", a.method()).tag("route", a.route())
                .tag("status", Integer.toString(a.status())).register(registry)).increment();
        timers.computeIfAbsent(route, r -> Timer.builder("xroad_http_request_seconds")
                .description("time to answer an HTTP request").tag("component", component).tag("route", r)
                .publishPercentiles(0.5, 0.99).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The current metrics in the Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
    }
}
