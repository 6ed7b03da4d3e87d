package org.xroadng.auditlog.access.store;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.SealingCipher;
import org.xroadng.auditlog.access.SubjectLinks;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;

/**
 * An {@link AccessLog} in the {@code auditlog} database: the events' leaves in an
 * {@link H2MerkleLog} and one {@code access_subject} row per (subject, leaf) written in the same
 * transaction (migration {@code db/auditlog/V2__access_subject.sql}), so a subject's events are an
 * index range scan however long the log grows. One process owns the database.
 */
public final class H2AccessLog implements AccessLog, AutoCloseable {

    private static final int LATEST_CACHE_SIZE = 100_000;
    /** The PostgreSQL advisory lock the nodes of one server take turns at appending under ("xroad-al"). */
    private static final long APPEND_TURN = 0x78726f61642d616cL;
    /** The lock of the one node publishing the shared log's checkpoints ("xroad-cp"). */
    private static final long PUBLISH_TURN = 0x78726f61642d6370L;

    private final Database database;
    private final H2MerkleLog log;
    private final boolean ownsDatabase;
    private final SealedEvents sealed;
    /**
     * The latest leaf index of the most recently named subjects, least recently named evicted
     * first; changed only after an append committed, under this object's lock, so it always agrees
     * with {@code access_subject}.
     */
    private final Map<String, Long> latest = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > LATEST_CACHE_SIZE;
        }
    };

    /** Guarded by this: the Merkle log's reload count when {@link #latest} was last known right. */
    private long reloadsSeen;
    /** Guarded by this: this process's turn at appending, held from {@link #takeTurn} to {@link #endTurn}. */
    private Database.Lock turn;
    /** Guarded by this: held while this process is the one publishing checkpoints ({@link #publishingTurn}). */
    private Database.Lock publishing;

    private H2AccessLog(Database database, H2MerkleLog log, boolean ownsDatabase, SealingCipher cipher) {
        this.database = database;
        this.log = log;
        this.ownsDatabase = ownsDatabase;
        this.sealed = new SealedEvents(database, cipher);
    }

    /** Opens (creating if needed) the access log in H2 file {@code file} (without {@code .mv.db}); close it. */
    public static H2AccessLog open(Path file) {
        return open(DatabaseSettings.embedded(), file);
    }

    /**
     * Opens (creating if needed) the access log: in H2 file {@code file} (without {@code .mv.db})
     * when {@code settings} are embedded, else in the {@code auditlog} schema of their PostgreSQL
     * database; close it.
     */
    public static H2AccessLog open(DatabaseSettings settings, Path file) {
        return open(settings, file, null);
    }

    /**
     * As {@link #open(DatabaseSettings, Path)}, keeping restricted events' secrets until their
     * disclosure encrypted with {@code cipher} (null: restricted events are refused).
     */
    public static H2AccessLog open(DatabaseSettings settings, Path file, SealingCipher cipher) {
        Database database = settings.open(file, H2MerkleLog.DATABASE_NAME);
        try {
            return new H2AccessLog(database, H2MerkleLog.open(database), true, cipher);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The access log in a database the caller opened with {@link H2MerkleLog#DATABASE_NAME} and keeps. */
    public static H2AccessLog in(Database database) {
        return in(database, null);
    }

    /** As {@link #in(Database)}, with the cipher for restricted events (null: they are refused). */
    public static H2AccessLog in(Database database, SealingCipher cipher) {
        return new H2AccessLog(database, H2MerkleLog.open(database), false, cipher);
    }

    /** What restricted events keep secret until their disclosure, and their disclosure. */
    public SealedEvents sealed() {
        return sealed;
    }

    /**
     * Appends the events with their {@code previous} links ({@link SubjectLinks}), which need the
     * indexes the events will get: appends through this object are serialised, and the append is
     * undone if anything else appended to the Merkle log meanwhile. After a failed append or sync
     * the links are looked up again in the database, which is then the truth.
     */
    @Override
    public synchronized long appendAll(List<AccessEvent> events) {
        try {
            Prepared prepared = prepare(events);
            appendPrepared(prepared);
            return prepared.firstIndex();
        } finally {
            endTurn();
        }
    }

    /**
     * Takes this process's turn at appending to the log (a no-op in an H2 file, which one process
     * owns; on PostgreSQL, where the nodes of one security server share the log, a lock that the
     * other nodes wait for) and brings the in-memory state up to what the database holds, others'
     * appends included; returns the number of events the log holds. The turn is held, across a
     * journal write if the caller makes one, until {@link #endTurn}: indexes prepared meanwhile
     * stay free. Taking it again while holding it only refreshes.
     *
     * @throws org.xroadng.protocol.store.StoreException when the database cannot be read
     */
    public synchronized long takeTurn() {
        if (turn == null) {
            turn = database.lock(APPEND_TURN);
        }
        try {
            return shared() ? refresh(log.refreshShared()) : recover();
        } catch (RuntimeException e) {
            endTurn();
            throw e;
        }
    }

    /**
     * For the checkpoint publisher: whether this process publishes the log's checkpoints. Always
     * for an H2 file; on PostgreSQL, where the nodes of a server share the log, the node holding
     * the publisher's lock, which this call takes when no other node holds it (a node that stops
     * or dies lets it go). On PostgreSQL the log is first brought up to every node's appends.
     *
     * @throws org.xroadng.protocol.store.StoreException when the database cannot be reached
     */
    public synchronized boolean publishingTurn() {
        if (!shared()) {
            return true;
        }
        refresh(log.refreshShared());
        if (publishing == null) {
            publishing = database.tryLock(PUBLISH_TURN).orElse(null);
        }
        return publishing != null;
    }

    /** Lets the turn taken by {@link #takeTurn} go, if held. */
    public synchronized void endTurn() {
        if (turn != null) {
            Database.Lock held = turn;
            turn = null;
            held.close();
        }
    }

    /** Whether other processes append to this log too: the nodes of a server sharing PostgreSQL. */
    private boolean shared() {
        return database.engine() == Database.Engine.POSTGRESQL;
    }

    /**
     * The events as they would be appended next, with their indexes and entries (links included),
     * not yet stored: a journal in front of this log keeps them durable first, then
     * {@link #appendPrepared} stores them. Nothing else may append in between.
     *
     * @param subjects each entry's subjects, which index it
     * @param secrets  the secrets of the restricted events among them ({@link SealedEvents.Secret}),
     *                 by position in {@code entries}; empty when none is restricted. A journal keeps
     *                 each with its stub's entry; {@link #appendPrepared} stores them with the stubs.
     */
    public record Prepared(long firstIndex, List<byte[]> entries, List<List<String>> subjects,
                           Map<Integer, SealedEvents.Secret> secrets) {
        public Prepared {
            entries = List.copyOf(entries);
            subjects = List.copyOf(subjects);
            secrets = Map.copyOf(secrets);
            if (subjects.size() != entries.size()) {
                throw new IllegalArgumentException(entries.size() + " entries but " + subjects.size()
                        + " subject lists");
            }
            if (!secrets.isEmpty()) { // ordinary events: nothing to check, nothing allocated
                for (int position : secrets.keySet()) {
                    if (position < 0 || position >= entries.size()) {
                        throw new IllegalArgumentException("a secret for entry " + position + " of "
                                + entries.size());
                    }
                }
            }
        }

        /** Events none of which is restricted. */
        public Prepared(long firstIndex, List<byte[]> entries, List<List<String>> subjects) {
            this(firstIndex, entries, subjects, Map.of());
        }
    }

    /**
     * The next append of {@code events}, prepared (see {@link Prepared}), taking the turn
     * ({@link #takeTurn}) if not held: the caller ends it once the events are stored or given up.
     * The secrets of restricted events among them are encrypted now and stored only with their
     * stubs, in {@link #appendPrepared}'s transaction (a journal in front keeps them in the stubs'
     * entries meanwhile); ordinary events cost nothing more.
     *
     * @throws IllegalStateException when an event is restricted and the log has no cipher
     */
    public synchronized Prepared prepare(List<AccessEvent> events) {
        boolean restricted = false;
        for (AccessEvent event : events) {
            Objects.requireNonNull(event, "event");
            restricted |= event.restricted();
        }
        Map<Integer, SealedEvents.Secret> secrets = restricted ? sealed.secretsOf(events) : Map.of();
        long first = takeTurn();
        return new Prepared(first, SubjectLinks.entries(events, first,
                latestIndexes(SubjectLinks.subjectsOf(events))), events.stream().map(AccessEvent::subjects).toList(),
                secrets);
    }

    /**
     * Entries prepared once at indexes that another node's events took meanwhile (this node
     * journaled them, then stopped before storing them), prepared again as the next append: the
     * same events, their {@code previous} links made again for their new indexes, with the same
     * {@code secrets} (by position in {@code entries}). Holding the turn.
     */
    public synchronized Prepared prepareAgain(List<byte[]> entries, List<List<String>> subjects,
                                              Map<Integer, SealedEvents.Secret> secrets) {
        long first = takeTurn();
        Set<String> named = new LinkedHashSet<>();
        subjects.forEach(named::addAll);
        Map<String, Long> latestNow = new HashMap<>(latestIndexes(named));
        List<byte[]> relinked = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Map<String, Long> previous = new TreeMap<>();
            for (String subject : subjects.get(i)) {
                Long before = latestNow.put(subject, first + i);
                if (before != null) {
                    previous.put(subject, before);
                }
            }
            relinked.add(SubjectLinks.relinked(entries.get(i), previous));
        }
        return new Prepared(first, relinked, subjects, secrets);
    }

    /** The stored entry at {@code index}, for telling one's own journaled event from another node's. */
    public byte[] entry(long index) {
        return log.entry(index);
    }

    /**
     * Reloads the state a failure may have left out of step with the database (the Merkle log's,
     * then the subject links') and returns the number of events the log holds.
     *
     * @throws org.xroadng.protocol.store.StoreException when the database still cannot be read
     */
    public synchronized long recover() {
        return refresh(log.recover());
    }

    /** Holding this: forgets the links when the Merkle log was reloaded; returns its size. */
    private long refresh(long reloads) {
        if (reloads != reloadsSeen) {
            // A failed batch may or may not be on disk, or another node appended: forget links that
            // may be out of date.
            latest.clear();
            reloadsSeen = reloads;
        }
        return log.size();
    }

    /**
     * Stores prepared events (with the subject rows that index them, and the restricted ones'
     * secrets, {@link SealedEvents}) in one transaction; refused unless the log's size is still
     * the prepared first index. A secret whose event already has its row (a replay) is not
     * stored again.
     *
     * @throws IllegalStateException when the log grew or shrank since the events were prepared
     */
    public synchronized void appendPrepared(Prepared prepared) {
        List<List<String>> subjects = prepared.subjects();
        Map<Integer, SealedEvents.Secret> secrets = prepared.secrets();
        long expectedFirst = prepared.firstIndex();
        long first = log.appendAll(prepared.entries(), (c, firstIndex) -> {
            if (firstIndex != expectedFirst) {
                throw new IllegalStateException("the access log's Merkle log holds " + firstIndex
                        + " entries where " + expectedFirst + " were expected; the prepared links would be wrong");
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO access_subject (subject, leaf_index) VALUES (?, ?)")) {
                for (int i = 0; i < subjects.size(); i++) {
                    for (String subject : subjects.get(i)) {
                        s.setString(1, subject);
                        s.setLong(2, firstIndex + i);
                        s.addBatch();
                    }
                }
                s.executeBatch();
            }
            if (!secrets.isEmpty()) {
                SealedEvents.insert(c, secrets.values());
            }
        });
        for (int i = 0; i < subjects.size(); i++) {
            for (String subject : subjects.get(i)) {
                latest.put(subject, first + i);
            }
        }
    }

    /**
     * The index of the latest event naming each of the events' subjects that has one. Recently
     * named subjects are answered from {@link #latest}; the others with one query. (H2 finds a
     * subject's maximum by walking all of its index rows, so without the cache an append would cost
     * more the more often its subjects were named before: a population register's frequent
     * subjects are.)
     */
    private Map<String, Long> latestIndexes(Set<String> subjects) {
        Map<String, Long> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String subject : subjects) {
            Long index = latest.get(subject);
            if (index != null) {
                found.put(subject, index);
            } else {
                missing.add(subject);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        String marks = String.join(", ", Collections.nCopies(missing.size(), "?"));
        List<Map.Entry<String, Long>> rows = database.inTransaction(c -> Jdbc.query(c,
                "SELECT subject, MAX(leaf_index) FROM access_subject WHERE subject IN (" + marks + ") GROUP BY subject",
                r -> Map.entry(r.getString(1), r.getLong(2)), missing.toArray()));
        rows.forEach(row -> found.put(row.getKey(), row.getValue()));
        return found;
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
        synchronized (this) {
            endTurn();
            if (publishing != null) {
                publishing.close();
                publishing = null;
            }
        }
        if (ownsDatabase) {
            database.close();
        }
    }
}
