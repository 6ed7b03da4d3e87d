package org.xroadng.auditlog.witness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.protocol.store.Jdbc;

/** The witness's tables (db/witness/V1__witness.sql). */
final class WitnessStore {

    /** The latest checkpoint cosigned for an origin. */
    record State(long size, byte[] rootHash, SignedNote note, Instant cosignedAt) {
    }

    private WitnessStore() {
    }

    static Optional<State> state(Connection c, String origin) throws SQLException {
        return Jdbc.queryOne(c, "SELECT tree_size, root_hash, checkpoint_note, cosigned_at FROM witness_log_state"
                + " WHERE origin = ?", r -> new State(r.getLong("tree_size"), r.getBytes("root_hash"),
                note(r, "checkpoint_note"), Jdbc.instant(r, "cosigned_at")), origin);
    }

    /** Inserts the first state of an origin; false when another writer inserted one first. */
    static boolean insert(Connection c, String origin, long size, byte[] root, SignedNote note, Instant at)
            throws SQLException {
        if (Jdbc.count(c, "SELECT COUNT(*) FROM witness_log_state WHERE origin = ?", origin) > 0) {
            return false;
        }
        Jdbc.update(c, "INSERT INTO witness_log_state (origin, tree_size, root_hash, checkpoint_note, cosigned_at)"
                + " VALUES (?, ?, ?, ?, ?)", origin, size, root, note.format(), Jdbc.timestamp(at));
        return true;
    }

    /** Replaces the state only if it still is ({@code oldSize}, {@code oldRoot}): the compare-and-set. */
    static boolean replace(Connection c, String origin, long oldSize, byte[] oldRoot, long size, byte[] root,
                           SignedNote note, Instant at) throws SQLException {
        return Jdbc.update(c, "UPDATE witness_log_state SET tree_size = ?, root_hash = ?, checkpoint_note = ?,"
                        + " cosigned_at = ? WHERE origin = ? AND tree_size = ? AND root_hash = ?", size, root,
                note.format(), Jdbc.timestamp(at), origin, oldSize, oldRoot) == 1;
    }

    static void insertSplitView(Connection c, SplitView proof) throws SQLException {
        Jdbc.update(c, "INSERT INTO witness_split_view (origin, tree_size, cosigned_note, conflicting_note,"
                        + " detected_at) VALUES (?, ?, ?, ?, ?)", proof.origin(), proof.size(),
                proof.cosigned().format(), proof.conflicting().format(), Jdbc.timestamp(proof.detectedAt()));
    }

    static List<SplitView> splitViews(Connection c) throws SQLException {
        return new ArrayList<>(Jdbc.query(c, "SELECT origin, tree_size, cosigned_note, conflicting_note, detected_at"
                + " FROM witness_split_view ORDER BY id", r -> new SplitView(r.getString("origin"),
                r.getLong("tree_size"), note(r, "cosigned_note"), note(r, "conflicting_note"),
                Jdbc.instant(r, "detected_at"))));
    }

    private static SignedNote note(ResultSet r, String column) throws SQLException {
        try {
            return SignedNote.parse(r.getString(column));
        } catch (NoteFormatException e) {
            throw new SQLException("witness database: column " + column + " holds no signed note: " + e.getMessage(), e);
        }
    }
}
