package org.xroadng.auditlog.witness;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.auditlog.note.SignedNote;

/**
 * Proof that a log showed two histories: two checkpoints of one origin and size with different
 * roots, both validly signed by the log's key. {@code cosigned} is the one this witness had
 * cosigned; {@code conflicting} the other, as submitted. Anyone holding the log's verifier key can
 * check both signatures. Immutable.
 */
public record SplitView(String origin, long size, SignedNote cosigned, SignedNote conflicting, Instant detectedAt) {

    public SplitView {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(cosigned, "cosigned");
        Objects.requireNonNull(conflicting, "conflicting");
        Objects.requireNonNull(detectedAt, "detectedAt");
    }
}
