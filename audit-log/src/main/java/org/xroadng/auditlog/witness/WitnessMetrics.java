package org.xroadng.auditlog.witness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The witness's metrics: {@code xroad_witness_cosigned_total{origin}},
 * {@code xroad_witness_refused_total{reason}} and {@code xroad_witness_split_views_total{origin}}
 * (any value above zero means a log showed two histories and the proof is at
 * {@code GET /split-views}). Origins are bounded by the logs the witness follows; a refusal for an
 * unknown origin is counted by reason only.
 */
public final class WitnessMetrics implements WitnessListener {

    private static final Logger LOG = LoggerFactory.getLogger(WitnessMetrics.class);

    private final MeterRegistry registry;

    public WitnessMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (AddCheckpointException.Reason reason : AddCheckpointException.Reason.values()) {
            refusedCounter(reason);
        }
    }

    @Override
    public void cosigned(String origin, long size) {
        Counter.builder("xroad_witness_cosigned").description("checkpoints cosigned").tag("origin", origin)
                .register(registry).increment();
    }

    @Override
    public void refused(AddCheckpointException.Reason reason) {
        refusedCounter(reason).increment();
    }

    @Override
    public void splitView(SplitView proof) {
        LOG.error("split view of log {} at size {}: two checkpoints with different roots, both signed by the log;"
                + " proof kept at GET /split-views", proof.origin(), proof.size());
        Counter.builder("xroad_witness_split_views").description("split views detected (two signed histories)")
                .tag("origin", proof.origin()).register(registry).increment();
    }

    private Counter refusedCounter(AddCheckpointException.Reason reason) {
        return Counter.builder("xroad_witness_refused").description("add-checkpoint requests refused")
                .tag("reason", reason.name()).register(registry);
    }
}
