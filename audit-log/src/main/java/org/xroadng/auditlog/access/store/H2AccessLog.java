package org.xroadng.auditlog.access.store;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.SubjectLinks;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * An {@link AccessLog} in the {@code auditlog} database: the events' leaves in an
 * {@link H2MerkleLog} and one {@code access_subject} row per (subject, leaf) written in the same
 * transaction (migration {@code db/auditlog/V2__access_subject.sql}), so a subject's events are an
 * index range scan however long the log grows, and one {@code access_subject_latest} row per subject
 * (V3) naming its latest event, for the next event's link. One process owns the database.
 */
public final class H2AccessLog implements AccessLog, AutoCloseable {

    private final Database database;
    private final H2MerkleLog log;
    private final boolean ownsDatabase;

    private H2AccessLog(Database database, H2MerkleLog log, boolean ownsDatabase) {
        this.database = database;
        this.log = log;
        this.ownsDatabase = ownsDatabase;
    }

    /** Opens (creating if needed) the access log in H2 file {@code file} (without {@code .mv.db}); close it. */
    public static H2AccessLog open(Path file) {
        Database database = Database.open(file, H2MerkleLog.DATABASE_NAME);
        try {
            return new H2AccessLog(database, H2MerkleLog.open(database), true);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The access log in a database the caller opened with {@link H2MerkleLog#DATABASE_NAME} and keeps. */
    public static H2AccessLog in(Database database) {
        return new H2AccessLog(database, H2MerkleLog.open(database), false);
    }

    /**
     * Appends the events with their {@code previous} links ({@link SubjectLinks}), which need the
     * indexes the events will get: appends through this object are serialised, and the append is
     * undone if anything else appended to the Merkle log meanwhile.
     */
    @Override
    public synchronized long appendAll(List<AccessEvent> events) {
        for (AccessEvent event : events) {
            Objects.requireNonNull(event, "event");
        }
        long expectedFirst = log.size();
        List<byte[]> entries = SubjectLinks.entries(events, expectedFirst, latestIndexes(events));
        return log.appendAll(entries, (c, first) -> {
            if (first != expectedFirst) {
                throw new IllegalStateException("the access log's Merkle log grew from " + expectedFirst + " to "
                        + first + " behind the access log's back; its links would be wrong");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO access_subject (subject, leaf_index) VALUES (?, ?)")) {
                for (int i = 0; i < events.size(); i++) {
                    for (String subject : events.get(i).subjects()) {
                        s.setString(1, subject);
                        s.setLong(2, first + i);
                        s.addBatch();
                    }
                }
                s.executeBatch();
            }
            Map<String, Long> latest = new HashMap<>();
            for (int i = 0; i < events.size(); i++) {
                for (String subject : events.get(i).subjects()) {
                    latest.put(subject, first + i);
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "MERGE INTO access_subject_latest (subject, leaf_index) KEY (subject) VALUES (?, ?)")) {
                for (Map.Entry<String, Long> subject : latest.entrySet()) {
                    s.setString(1, subject.getKey());
                    s.setLong(2, subject.getValue());
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
    }

    /**
     * The index of the latest event naming each of the events' subjects that has one: a key lookup
     * each in {@code access_subject_latest}, so the cost does not grow with the number of events a
     * subject already has (a population register's frequent subjects have many).
     */
    private Map<String, Long> latestIndexes(List<AccessEvent> events) {
        Set<String> subjects = SubjectLinks.subjectsOf(events);
        if (subjects.isEmpty()) {
            return Map.of();
        }
        return database.inTransaction(c -> {
            Map<String, Long> latest = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT leaf_index FROM access_subject_latest WHERE subject = ?")) {
                for (String subject : subjects) {
                    s.setString(1, subject);
                    try (ResultSet r = s.executeQuery()) {
                        if (r.next()) {
                            latest.put(subject, r.getLong(1));
                        }
                    }
                }
            }
            return latest;
        });
    }

    @Override
    public List<StoredEvent> eventsOf(String subject, int limit) {
        Objects.requireNonNull(subject, "subject");
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + "; expected 1 or more");
        }
        List<StoredEvent> newestFirst = database.inTransaction(c -> Jdbc.query(c,
                "SELECT l.leaf_index, l.entry_bytes FROM access_subject s JOIN merkle_leaf l"
                        + " ON l.leaf_index = s.leaf_index WHERE s.subject = ? ORDER BY s.leaf_index DESC LIMIT ?",
                r -> new StoredEvent(r.getLong(1), r.getBytes(2)), subject, limit));
        List<StoredEvent> events = new ArrayList<>(newestFirst);
        Collections.reverse(events);
        return events;
    }

    @Override
    public MerkleLog merkleLog() {
        return log;
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            database.close();
        }
    }
}
