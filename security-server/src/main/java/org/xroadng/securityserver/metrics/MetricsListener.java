package org.xroadng.securityserver.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.metrics.ComponentMetrics;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;
import org.xroadng.securityserver.log.timestamp.TimestampingListener;

/**
 * Exchange metrics in Prometheus form, for the admin port's {@code GET /metrics}:
 * {@code xroad_exchanges_total{side,outcome}}, {@code xroad_exchange_seconds{side}} (with
 * percentiles), {@code xroad_exchange_errors_total{side,type}} and
 * {@code xroad_signatures_total{side,operation}} and {@code xroad_provider_server_failovers_total}
 * (requests the consumer side could not send to one of a provider's servers and sent to the next).
 */
public final class MetricsListener implements ExchangeListener, TimestampingListener, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's garbage collections until {@link #close}. */
    private final JvmGcMetrics gc;
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    /** A counter's name and tag values: a key without building a string on every event. */
    private record CounterKey(String name, Side side, String value) {
    }
    private final Map<Side, Timer> timers = new ConcurrentHashMap<>();
    private final java.util.List<Object> counterSources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Counter failovers = Counter.builder("xroad_provider_server_failovers")
            .description("requests not sent to a provider's security server (unreachable) and tried on the next")
            .register(registry);
    private final Counter stampedBatches = Counter.builder("xroad_timestamp_batches")
            .description("batches of message-log records a TSA time-stamped").register(registry);
    private final Counter stampedRecords = Counter.builder("xroad_timestamp_records")
            .description("message-log records in those batches").register(registry);
    private final Counter stampingFailures = Counter.builder("xroad_timestamp_failures")
            .description("time-stamping runs in which no approved TSA stamped the waiting records").register(registry);

    /** With the JVM's own metrics ({@code jvm_*}, {@code process_*}, {@code system_*}) from the start. */
    public MetricsListener() {
        gc = ComponentMetrics.bindJvm(registry);
    }

    @Override
    public void exchangeCompleted(Side side, int status, long nanos) {
        counter("xroad_exchanges_total", "side", side, "outcome", status < 400 ? "ok" : "provider-error").increment();
        timer(side).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void exchangeFailed(Side side, ErrorType type, long nanos) {
        counter("xroad_exchanges_total", "side", side, "outcome", "refused").increment();
        counter("xroad_exchange_errors_total", "side", side, "type", type.code()).increment();
        timer(side).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void signature(Side side, boolean made) {
        counter("xroad_signatures_total", "side", side, "operation", made ? "sign" : "verify").increment();
    }

    @Override
    public void providerServerFailover() {
        failovers.increment();
    }

    @Override
    public void batchStamped(TimestampBatch batch) {
        stampedBatches.increment();
        stampedRecords.increment(batch.size());
    }

    @Override
    public void stampingFailed(int waitingRecords, String reason) {
        stampingFailures.increment();
    }

    /**
     * The message log's time-stamping (DESIGN.md sections 6 and 9), beside the counters
     * {@code xroad_timestamp_batches_total}, {@code xroad_timestamp_records_total} and
     * {@code xroad_timestamp_failures_total} this listener keeps: {@code xroad_message_log_unstamped_records}
     * (records waiting for a time-stamp: the log's lag) and {@code xroad_timestamp_failing_seconds}
     * (how long no TSA has stamped the waiting records, 0 while stamping works; the server refuses
     * exchanges once it passes the registry's {@code acceptableTimestampFailureSeconds}). NaN when
     * they cannot be read.
     */
    public void timestamping(Supplier<OptionalLong> unstampedRecords, Supplier<Optional<Instant>> failingSince,
                             Clock clock) {
        Gauge.builder("xroad_message_log_unstamped_records",
                        () -> {
                            OptionalLong waiting = unstampedRecords.get();
                            return waiting.isPresent() ? (double) waiting.getAsLong() : Double.NaN;
                        })
                .description("message-log records waiting for a time-stamp").register(registry);
        Gauge.builder("xroad_timestamp_failing_seconds",
                        () -> failingSince.get().map(since -> secondsBetween(since, clock.instant())).orElse(0.0))
                .description("seconds since time-stamping began to fail; 0 while it works").register(registry);
    }

    /**
     * The global configuration this server works from: {@code xroad_global_configuration_age_seconds}
     * (since the registry generated it) and {@code xroad_global_configuration_expiry_seconds} (until it
     * expires; below 0 the server refuses exchanges). NaN before one was downloaded.
     */
    public void globalConfiguration(Supplier<Optional<GlobalConfiguration>> lastGood, Clock clock) {
        Gauge.builder("xroad_global_configuration_age_seconds",
                        () -> lastGood.get().map(c -> secondsBetween(c.generatedAt(), clock.instant()))
                                .orElse(Double.NaN))
                .description("seconds since the registry generated the global configuration in use").register(registry);
        Gauge.builder("xroad_global_configuration_expiry_seconds",
                        () -> lastGood.get().map(c -> secondsBetween(clock.instant(), c.expiresAt()))
                                .orElse(Double.NaN))
                .description("seconds until the global configuration in use expires").register(registry);
    }

    /**
     * The server's own certificates: {@code xroad_certificate_expiry_seconds} (until the first of
     * them expires: alert days ahead, renewal needs the CA and the registry) and
     * {@code xroad_ocsp_response_age_seconds} (age of the oldest OCSP response signatures carry for
     * them; peers refuse it past the registry's {@code ocspFreshnessSeconds}). NaN while the message
     * path is not running or a certificate has no response yet.
     */
    public void ownCertificates(Supplier<Optional<Instant>> firstExpiry, Supplier<Optional<Instant>> oldestOcspResponse,
                                Clock clock) {
        Gauge.builder("xroad_certificate_expiry_seconds",
                        () -> firstExpiry.get().map(at -> secondsBetween(clock.instant(), at)).orElse(Double.NaN))
                .description("seconds until the first of this server's own certificates expires").register(registry);
        Gauge.builder("xroad_ocsp_response_age_seconds",
                        () -> oldestOcspResponse.get().map(at -> secondsBetween(at, clock.instant())).orElse(Double.NaN))
                .description("age of the oldest OCSP response for this server's own certificates").register(registry);
    }

    private static double secondsBetween(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /** Stops listening to the JVM's garbage collections. */
    @Override
    public void close() {
        gc.close();
    }

    /**
     * Gauges of the access log (DESIGN.md sections 7 and 9): {@code xroad_access_log_events} (its
     * size) and {@code xroad_access_log_unwitnessed_events} (events not yet covered by a checkpoint
     * the witness accepted: the lag an operator alerts on). {@code status} answers empty while the
     * message path is not running; the gauges then read NaN.
     */
    public void accessLog(java.util.function.Supplier<java.util.Optional<
            org.xroadng.securityserver.accesslog.CheckpointPublisher.Status>> status) {
        io.micrometer.core.instrument.Gauge.builder("xroad.access.log.events",
                        () -> status.get().map(s -> (double) s.size()).orElse(Double.NaN))
                .description("events in this server's access log").register(registry);
        io.micrometer.core.instrument.Gauge.builder("xroad.access.log.unwitnessed.events",
                        () -> status.get().map(s -> (double) (s.size()
                                - (s.witnessedSize() == null ? 0 : s.witnessedSize()))).orElse(Double.NaN))
                .description("access log events not yet covered by a witnessed checkpoint").register(registry);
    }

    /**
     * Gauges of the message log's journal: {@code xroad_message_log_journal_bytes} and
     * {@code xroad_message_log_journal_segments}, what it holds on disk. The journal keeps the
     * records until they are archived, so it grows with the message log and shrinks after an
     * archiving run; growth that archiving does not take back says the tables cannot be forced:
     * look at the server's log and disk.
     */
    public void messageLogJournal(java.util.function.Supplier<java.util.Optional<
            org.xroadng.securityserver.log.journal.Journal.Stats>> stats) {
        io.micrometer.core.instrument.Gauge.builder("xroad.message.log.journal.bytes",
                        () -> stats.get().map(s -> (double) s.bytes()).orElse(Double.NaN))
                .description("bytes in the message log's journal: records not yet archived").register(registry);
        io.micrometer.core.instrument.Gauge.builder("xroad.message.log.journal.segments",
                        () -> stats.get().map(s -> (double) s.segments()).orElse(Double.NaN))
                .description("segment files in the message log's journal").register(registry);
    }

    /**
     * The message log's group commit: {@code xroad_message_log_groups_total} (journal writes, one
     * device flush each under fsync) and {@code xroad_message_log_grouped_exchanges_total} (the
     * exchanges they held); their rates' ratio is the mean group size, which falls at low load,
     * where each exchange pays a flush of its own.
     */
    public void messageLogGroups(java.util.function.Supplier<org.xroadng.securityserver.log.H2MessageLog.Groups> groups) {
        functionCounter("xroad_message_log_groups", null, "journal writes of the message log's writer",
                () -> (double) groups.get().groups());
        functionCounter("xroad_message_log_grouped_exchanges", null, "exchanges in those journal writes",
                () -> (double) groups.get().exchanges());
    }

    /**
     * The batch signer (DESIGN.md section 5, {@code messageSignatures: batch}):
     * {@code xroad_message_signer_signatures_total} (private-key operations) and
     * {@code xroad_message_signer_messages_total} (the messages they cover); their rates' ratio is
     * the mean batch size, 1 at low load, growing as messages queue for the key. NaN while the
     * message path is not running or signs each message alone.
     */
    public void messageSigner(java.util.function.Supplier<java.util.Optional<
            org.xroadng.securityserver.message.BatchMessageSigner.Batches>> batches) {
        functionCounter("xroad_message_signer_signatures", null, "signatures the batch signer made",
                () -> batches.get().map(b -> (double) b.signatures()).orElse(Double.NaN));
        functionCounter("xroad_message_signer_messages", null, "messages those signatures cover",
                () -> batches.get().map(b -> (double) b.messages()).orElse(Double.NaN));
    }

    /**
     * {@code xroad_server_problems}: how many problems keep the server from taking exchanges now
     * (the list {@code GET /health} names; 0 when healthy), for an alert on {@code > 0}.
     */
    public void health(java.util.function.Supplier<java.util.List<String>> problems) {
        io.micrometer.core.instrument.Gauge.builder("xroad.server.problems", () -> (double) problems.get().size())
                .description("problems that keep this server from taking exchanges (GET /health names them)")
                .register(registry);
    }

    /**
     * The data plane's resource limits (DESIGN.md section 9), per proxy ({@code proxy="client"} or
     * {@code "server"}): {@code xroad_proxy_connections_open}, {@code xroad_proxy_connections_refused_total}
     * (over the connection limit), {@code xroad_proxy_connections_closed_idle_total},
     * {@code xroad_proxy_connections_closed_slow_total} (head or body not in time); for the server:
     * {@code xroad_body_bytes_in_flight}, {@code xroad_body_budget_refusals_total} and
     * {@code xroad_tls_handshakes_refused_total}. NaN while the message path is not running.
     */
    public void dataPlane(java.util.function.Supplier<java.util.Optional<
            org.xroadng.securityserver.DataPlane.ResourceStats>> resources) {
        for (String proxy : new String[] {"client", "server"}) {
            java.util.function.Function<org.xroadng.securityserver.DataPlane.ResourceStats,
                    org.xroadng.securityserver.http.ConnectionStats> stats =
                    "client".equals(proxy) ? r -> r.clientProxy() : r -> r.serverProxy();
            io.micrometer.core.instrument.Gauge.builder("xroad_proxy_connections_open",
                            () -> resources.get().map(r -> (double) stats.apply(r).open()).orElse(Double.NaN))
                    .tag("proxy", proxy).description("connections open now").register(registry);
            functionCounter("xroad_proxy_connections_refused", proxy, "connections closed at once over the limit",
                    () -> resources.get().map(r -> (double) stats.apply(r).refusedForLimit()).orElse(Double.NaN));
            functionCounter("xroad_proxy_connections_closed_idle", proxy, "connections closed after the idle timeout",
                    () -> resources.get().map(r -> (double) stats.apply(r).closedIdle()).orElse(Double.NaN));
            functionCounter("xroad_proxy_connections_closed_slow", proxy,
                    "connections closed because a request's head or body did not arrive in time",
                    () -> resources.get().map(r -> (double) stats.apply(r).closedSlow()).orElse(Double.NaN));
        }
        io.micrometer.core.instrument.Gauge.builder("xroad_body_bytes_in_flight",
                        () -> resources.get().map(r -> (double) r.bodies().inFlight()).orElse(Double.NaN))
                .description("message body bytes held in memory now").register(registry);
        functionCounter("xroad_body_budget_refusals", null, "exchanges refused because the body budget was spent",
                () -> resources.get().map(r -> (double) r.bodies().refusals()).orElse(Double.NaN));
        functionCounter("xroad_tls_handshakes_refused", null, "TLS handshakes refused or failed on the server proxy",
                () -> resources.get().map(r -> (double) r.tlsRefusals().refused()).orElse(Double.NaN));
    }

    private void functionCounter(String name, String proxy, String description,
                                 java.util.function.Supplier<Double> value) {
        // Micrometer holds a function counter's state weakly: without this reference the supplier
        // can be collected, and the counter then reads its last value (0 if never read) for good.
        counterSources.add(value);
        var builder = io.micrometer.core.instrument.FunctionCounter.builder(name, value, v -> v.get())
                .description(description);
        if (proxy != null) {
            builder.tag("proxy", proxy);
        }
        builder.register(registry);
    }

    /** The current metrics in the Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Exchanges counted since start, both sides together: completed ({@code ok}), answered with a
     * provider error, refused by a security server, and the refusals by error type (for the console's
     * dashboard; Prometheus reads the same counters).
     */
    public record ExchangeCounts(long ok, long providerErrors, long refused, Map<String, Long> errorsByType) {
        public ExchangeCounts {
            errorsByType = Map.copyOf(errorsByType);
        }

        public long total() {
            return ok + providerErrors + refused;
        }
    }

    public ExchangeCounts exchangeCounts() {
        long ok = 0;
        long providerErrors = 0;
        long refused = 0;
        Map<String, Long> errors = new java.util.TreeMap<>();
        for (Map.Entry<CounterKey, Counter> entry : counters.entrySet()) {
            long count = (long) entry.getValue().count();
            CounterKey key = entry.getKey();
            if (key.name().equals("xroad_exchanges_total")) {
                switch (key.value()) {
                    case "ok" -> ok += count;
                    case "provider-error" -> providerErrors += count;
                    default -> refused += count;
                }
            } else if (key.name().equals("xroad_exchange_errors_total")) {
                errors.merge(key.value(), count, Long::sum);
            }
        }
        return new ExchangeCounts(ok, providerErrors, refused, errors);
    }

    private Counter counter(String name, String tag1, Side side, String tag2, String value) {
        CounterKey key = new CounterKey(name, side, value);
        Counter known = counters.get(key);
        if (known != null) {
            return known;
        }
        return counters.computeIfAbsent(key, k -> Counter.builder(name)
                .tag(tag1, side.name().toLowerCase()).tag(tag2, value).register(registry));
    }

    private Timer timer(Side side) {
        Timer known = timers.get(side);
        if (known != null) {
            return known;
        }
        return timers.computeIfAbsent(side, s -> Timer.builder("xroad_exchange_seconds")
                .tag("side", s.name().toLowerCase())
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry));
    }
}
