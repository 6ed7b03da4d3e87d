package org.xroadng.auditlog.access;

import java.util.Objects;
import org.xroadng.auditlog.merkle.MerkleLog;

/**
 * A server's access log (DESIGN.md section 7): access events appended to a {@link MerkleLog}, one
 * leaf per event, the entry being the event's RFC 8785 canonical JSON, so the leaf hash is
 * {@code SHA-256(0x00 || canonical JSON)} (RFC 9162 section 2.1.1).
 *
 * <p>Guarantees: those of the Merkle log beneath: an appended event keeps its index forever and
 * its inclusion in any later root can be proved with {@link MerkleLog#inclusion}. Thread-safe if
 * the Merkle log is.
 */
public final class AccessLog {

    private final MerkleLog log;

    public AccessLog(MerkleLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Appends the event and returns its index in the Merkle log. */
    public long append(AccessEvent event) {
        return log.append(event.canonicalJson());
    }

    /** The Merkle log the events are kept in, for roots, proofs and checkpoints. */
    public MerkleLog merkleLog() {
        return log;
    }
}
