package org.xroadng.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.xroadng.registry.witness.CheckpointRefusedException;
import org.xroadng.registry.witness.CheckpointWitnessListener;

/**
 * The registry's own metrics (DESIGN.md section 9), beside the HTTP and JVM ones of
 * {@link org.xroadng.protocol.metrics.ComponentMetrics}:
 * <ul>
 *   <li>{@code xroad_registry_global_configuration_version}, {@code ..._age_seconds} (since the
 *       latest was generated: it grows past the refresh interval when publishing fails) and
 *       {@code ..._expiry_seconds} (until it expires: servers refuse exchanges once theirs has);
 *   <li>{@code xroad_registry_global_configuration_failures_total}: scheduled publications that
 *       failed (the configuration signing key or the database; the log says which);
 *   <li>{@code xroad_registry_pending_management_requests}: waiting for an operator's decision;
 *   <li>{@code xroad_registry_checkpoints_total{outcome}}: security servers' access-log checkpoints
 *       the witness accepted, {@code stored} (new) or {@code unchanged} (the last one again), and
 *       {@code xroad_registry_checkpoint_refusals_total{reason}} (a {@code INCONSISTENT_HISTORY}
 *       means a server's log was rewritten or forked);
 *   <li>{@code xroad_witness_split_views} when the registry runs a C2SP tlog-witness.
 * </ul>
 * Gauges read NaN when they cannot be read.
 */
final class RegistryMetrics implements CheckpointWitnessListener {

    private final Counter publishFailures;
    private final Counter stored;
    private final Counter unchanged;
    private final Map<CheckpointRefusedException.Reason, Counter> refusals =
            new EnumMap<>(CheckpointRefusedException.Reason.class);

    RegistryMetrics(Registry registry, MeterRegistry meters) {
        Clock clock = registry.clock();
        Gauge.builder("xroad_registry_global_configuration_version",
                        () -> registry.publisher().latest().map(p -> (double) p.version()).orElse(Double.NaN))
                .description("version of the latest global configuration published").register(meters);
        Gauge.builder("xroad_registry_global_configuration_age_seconds",
                        () -> registry.publisher().latest().map(p -> seconds(p.generatedAt(), clock.instant()))
                                .orElse(Double.NaN))
                .description("seconds since the latest global configuration was generated").register(meters);
        Gauge.builder("xroad_registry_global_configuration_expiry_seconds",
                        () -> registry.publisher().latest().map(p -> seconds(clock.instant(), p.expiresAt()))
                                .orElse(Double.NaN))
                .description("seconds until the latest global configuration expires").register(meters);
        publishFailures = Counter.builder("xroad_registry_global_configuration_failures")
                .description("scheduled publications of the global configuration that failed").register(meters);
        Gauge.builder("xroad_registry_pending_management_requests", () -> {
            try {
                return (double) registry.requests().list("pending", 0, 1).total();
            } catch (RegistryException | RuntimeException e) {
                return Double.NaN;
            }
        }).description("management requests waiting for an operator's decision").register(meters);
        stored = checkpoints(meters, "stored");
        unchanged = checkpoints(meters, "unchanged");
        for (CheckpointRefusedException.Reason reason : CheckpointRefusedException.Reason.values()) {
            refusals.put(reason, Counter.builder("xroad_registry_checkpoint_refusals")
                    .description("access-log checkpoints the registry's witness refused, by reason")
                    .tag("reason", reason.name()).register(meters));
        }
        registry.tlogWitness().ifPresent(tlog -> Gauge.builder("xroad_witness_split_views", () -> {
            try {
                return (double) tlog.splitViews().size();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description("split views the registry's C2SP witness detected (proof at GET /tlog-witness/split-views)")
                .register(meters));
    }

    private static Counter checkpoints(MeterRegistry meters, String outcome) {
        return Counter.builder("xroad_registry_checkpoints")
                .description("access-log checkpoints the registry's witness accepted (stored: new; unchanged: the last again)")
                .tag("outcome", outcome).register(meters);
    }

    /** A scheduled publication of the global configuration failed. */
    void publishFailed() {
        publishFailures.increment();
    }

    @Override
    public void accepted(boolean isNew) {
        (isNew ? stored : unchanged).increment();
    }

    @Override
    public void refused(CheckpointRefusedException.Reason reason) {
        refusals.get(reason).increment();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
