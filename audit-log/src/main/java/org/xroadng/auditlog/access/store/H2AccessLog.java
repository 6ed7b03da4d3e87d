package org.xroadng.auditlog.access.store;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * An {@link AccessLog} in the {@code auditlog} database: the events' leaves in an
 * {@link H2MerkleLog} and one {@code access_subject} row per (subject, leaf) written in the same
 * transaction (migration {@code db/auditlog/V2__access_subject.sql}), so a subject's events are an
 * index range scan however long the log grows. One process owns the database.
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

    @Override
    public long appendAll(List<AccessEvent> events) {
        List<byte[]> entries = new ArrayList<>(events.size());
        for (AccessEvent event : events) {
            entries.add(Objects.requireNonNull(event, "event").canonicalJson());
        }
        return log.appendAll(entries, (c, first) -> {
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
