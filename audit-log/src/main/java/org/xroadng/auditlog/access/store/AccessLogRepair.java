package org.xroadng.auditlog.access.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.CanonicalJson;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.internal.RightEdge;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * Checks and repairs a stopped server's access log (the {@code auditlog} database) without losing
 * a stored event. What it mends:
 *
 * <ul>
 *   <li><b>Missing leaves</b> (indexes with no leaf below the highest one, as a storage failure
 *       before this version could leave): every event after the first gap moves down to close it,
 *       and the {@code previous} links of the moved events are made again, each subject's pointing
 *       at its latest earlier event that is still there. The events' own fields are untouched.
 *   <li><b>Subtree hashes</b> that do not match the leaves (written from a stale in-memory state
 *       past such a gap): all of {@code merkle_node} (the subtrees of height
 *       {@link H2MerkleLog#STORED_HEIGHT} and up) is computed again from the leaves.
 *   <li><b>The subject index</b> of moved events.
 * </ul>
 *
 * Everything happens in one transaction: a repair that fails changes nothing. A log without gaps
 * whose subtrees match is left as it is. Moving events changes the tree from the first gap on,
 * so a witness that took a checkpoint past that point will refuse the repaired log's next one,
 * and says so; checkpoints up to the gap stay valid.
 */
public final class AccessLogRepair {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 2_000;

    /** What a check or a repair found, and for a repair, what it changed. */
    public record Report(long events, long firstGap, long missing, long moved, long nodesWrong, long orphanIndexRows,
                         boolean repaired) {

        /** True when the log needed no repair. */
        public boolean consistent() {
            return missing == 0 && nodesWrong == 0 && orphanIndexRows == 0;
        }

        /** A few sentences for an operator. */
        public String describe() {
            if (consistent()) {
                return "the access log's " + events + " events are numbered without gaps and every subtree hash"
                        + " matches them: nothing to repair";
            }
            StringBuilder out = new StringBuilder();
            if (missing > 0) {
                out.append(missing).append(" leaf index(es) are missing, the first at ").append(firstGap).append("; ")
                        .append(moved).append(" later event(s) ")
                        .append(repaired ? "were moved down to close the gap(s), their previous links made again"
                                : "must move down to close the gap(s)")
                        .append(". ");
            }
            if (orphanIndexRows > 0) {
                out.append(orphanIndexRows).append(" subject index row(s) point at missing leaves")
                        .append(repaired ? " and were removed" : "").append(". ");
            }
            if (nodesWrong > 0) {
                out.append(nodesWrong).append(" stored subtree hash(es) did not match the leaves")
                        .append(repaired ? " and were computed again" : "").append(". ");
            }
            if (repaired) {
                out.append("The log now holds ").append(events).append(" events.");
                if (missing > 0) {
                    out.append(" A witness holding a checkpoint of more than ").append(firstGap)
                            .append(" events will refuse this server's next checkpoint: the tree past the gap"
                                    + " changed; checkpoints up to ").append(firstGap).append(" events stay valid.");
                }
            } else {
                out.append("Run it again with --repair on the stopped server to mend it; no event is lost.");
            }
            return out.toString().trim();
        }
    }

    private AccessLogRepair() {
    }

    /** Checks the log and, if {@code repair}, mends it; the database must not be in use by a running server. */
    public static Report run(Database database, boolean repair) {
        return database.inTransaction(c -> {
            Report report = scan(c, repair);
            if (!repair) {
                c.rollback();
            }
            return report;
        });
    }

    private static final String ORPHANS = " FROM access_subject s WHERE NOT EXISTS"
            + " (SELECT 1 FROM merkle_leaf l WHERE l.leaf_index = s.leaf_index)";

    private static Report scan(Connection c, boolean repair) throws SQLException {
        long orphans = Jdbc.count(c, "SELECT COUNT(*)" + ORPHANS);
        if (repair && orphans > 0) {
            try (PreparedStatement s = c.prepareStatement("DELETE" + ORPHANS)) {
                s.executeUpdate();
            }
        }
        long events = 0;
        long expected = 0;
        long firstGap = -1;
        long moved = 0;
        long nodesWrong = 0;
        Map<String, Long> latest = new HashMap<>();
        RightEdge edge = new RightEdge();
        Map<Long, byte[]> nodes = new HashMap<>();
        long after = -1;
        for (List<Object[]> page = page(c, after); !page.isEmpty(); page = page(c, after)) {
            for (Object[] row : page) {
                long index = (Long) row[0];
                byte[] entry = (byte[]) row[1];
                after = index;
                if (index != expected && firstGap < 0) {
                    firstGap = expected;
                }
                expected = index + 1;
                long newIndex = events++;
                Map<String, Object> event = parse(entry, index);
                List<String> subjects = subjects(event, index);
                if (newIndex != index) {
                    // Ascending order: every index below this one is settled, so newIndex is free.
                    moved++;
                    Map<String, Long> previous = new TreeMap<>();
                    for (String subject : subjects) {
                        Long before = latest.get(subject);
                        if (before != null) {
                            previous.put(subject, before);
                        }
                    }
                    event.put(AccessEvent.PREVIOUS, previous);
                    entry = CanonicalJson.bytes(event);
                    if (repair) {
                        move(c, index, newIndex, entry, subjects);
                    }
                }
                for (String subject : subjects) {
                    latest.put(subject, newIndex);
                }
                for (RightEdge.Node node : edge.append(MerkleHashes.leafHash(entry))) {
                    if (node.height() >= H2MerkleLog.STORED_HEIGHT) {
                        if (!matches(c, node)) {
                            nodesWrong++;
                        }
                        nodes.put(key(node), node.hash());
                    }
                }
            }
            if (nodes.size() > 100_000) {
                // Nodes computed before any problem showed match the stored ones: only later ones are written.
                if (repair && (firstGap >= 0 || nodesWrong > 0)) {
                    writeNodes(c, nodes);
                }
                nodes.clear();
            }
        }
        boolean needed = firstGap >= 0 || nodesWrong > 0 || orphans > 0;
        if (repair && needed) {
            writeNodes(c, nodes);
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM merkle_node WHERE (node_index + 1) * POWER(2, node_height) > ?")) {
                s.setLong(1, events);
                s.executeUpdate();
            }
        }
        return new Report(events, firstGap < 0 ? events : firstGap, expected - events, moved, nodesWrong, orphans,
                repair && needed);
    }

    private static List<Object[]> page(Connection c, long after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT leaf_index, entry_bytes FROM merkle_leaf WHERE leaf_index > ? ORDER BY leaf_index LIMIT ?")) {
            s.setLong(1, after);
            s.setInt(2, PAGE);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new Object[] {r.getLong(1), r.getBytes(2)});
                }
            }
            return rows;
        }
    }

    private static Map<String, Object> parse(byte[] entry, long index) throws SQLException {
        try {
            return JSON.readValue(entry, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new SQLException("leaf " + index + " is not an access event's JSON: " + e.getMessage(), e);
        }
    }

    private static List<String> subjects(Map<String, Object> event, long index) throws SQLException {
        if (!(event.get("subjects") instanceof List<?> list)) {
            throw new SQLException("leaf " + index + " names no subjects");
        }
        List<String> subjects = new ArrayList<>();
        for (Object subject : list) {
            subjects.add(String.valueOf(subject));
        }
        return subjects;
    }

    private static boolean matches(Connection c, RightEdge.Node node) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT node_hash FROM merkle_node WHERE node_height = ? AND node_index = ?")) {
            s.setInt(1, node.height());
            s.setLong(2, node.position());
            try (ResultSet r = s.executeQuery()) {
                return r.next() && Arrays.equals(r.getBytes(1), node.hash());
            }
        }
    }

    private static void move(Connection c, long from, long to, byte[] entry, List<String> subjects)
            throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM merkle_leaf WHERE leaf_index = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO merkle_leaf (leaf_index, entry_bytes, leaf_hash) VALUES (?, ?, ?)");
             PreparedStatement unindex = c.prepareStatement("DELETE FROM access_subject WHERE leaf_index = ?");
             PreparedStatement index = c.prepareStatement(
                     "INSERT INTO access_subject (subject, leaf_index) VALUES (?, ?)")) {
            delete.setLong(1, from);
            delete.executeUpdate();
            insert.setLong(1, to);
            insert.setBytes(2, entry);
            insert.setBytes(3, MerkleHashes.leafHash(entry));
            insert.executeUpdate();
            unindex.setLong(1, from);
            unindex.executeUpdate();
            for (String subject : new LinkedHashSet<>(subjects)) {
                index.setString(1, subject);
                index.setLong(2, to);
                index.addBatch();
            }
            index.executeBatch();
        }
    }

    private static void writeNodes(Connection c, Map<Long, byte[]> nodes) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM merkle_node WHERE node_height = ? AND node_index = ?");
             PreparedStatement insert = c.prepareStatement(
                "INSERT INTO merkle_node (node_height, node_index, node_hash) VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, byte[]> node : nodes.entrySet()) {
                int height = (int) (node.getKey() >>> 56);
                long index = node.getKey() & ((1L << 56) - 1);
                delete.setInt(1, height);
                delete.setLong(2, index);
                delete.addBatch();
                insert.setInt(1, height);
                insert.setLong(2, index);
                insert.setBytes(3, node.getValue());
                insert.addBatch();
            }
            delete.executeBatch();
            insert.executeBatch();
        }
        nodes.clear();
    }

    private static long key(RightEdge.Node node) {
        return ((long) node.height() << 56) | node.position();
    }
}
