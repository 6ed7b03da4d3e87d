package org.xroadng.auditlog.access;

import java.util.List;
import org.xroadng.auditlog.merkle.MerkleLog;

/**
 * A server's access log (DESIGN.md section 7): access events appended to a {@link MerkleLog}, one
 * leaf per event, the entry being the event's RFC 8785 canonical JSON, so the leaf hash is
 * {@code SHA-256(0x00 || canonical JSON)} (RFC 9162 section 2.1.1), with an index by data subject
 * so a citizen's events are found without reading the log.
 *
 * <p>Guarantees: those of the Merkle log beneath: an appended event keeps its index forever and
 * its inclusion in any later root can be proved with {@link MerkleLog#inclusion}. An append is
 * visible (to {@link #eventsOf} and the Merkle log) once it returns, entry and index together or
 * neither. Thread-safe.
 */
public interface AccessLog {

    /** Appends the events in order, with consecutive indexes, all or none; returns the first index. */
    long appendAll(List<AccessEvent> events);

    /** Appends one event and returns its index. */
    default long append(AccessEvent event) {
        return appendAll(List.of(event));
    }

    /**
     * The entries of the events that name {@code subject}, oldest first; at most the newest
     * {@code limit} of them. An entry is returned as stored, changed or not: the reader proves it.
     */
    List<StoredEvent> eventsOf(String subject, int limit);

    /** The Merkle log the events are kept in, for roots, proofs and checkpoints. */
    MerkleLog merkleLog();

    /** One stored entry: leaf {@code index} and its bytes (the event's canonical JSON unless tampered with). */
    record StoredEvent(long index, byte[] entry) {
        public StoredEvent {
            entry = entry.clone();
        }

        @Override
        public byte[] entry() {
            return entry.clone();
        }
    }
}
