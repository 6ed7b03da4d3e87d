package org.xroadng.securityserver.log;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * Maps {@link LogRow}s to the {@code message_record} table (db/messagelog) and back. Since V7 a
 * row is the record's index entry: its identity, times and hashes, and where the journal entry
 * holding all its columns is ({@link Location}); {@link Entries} reads that entry. Rows written
 * before V7 hold every column themselves. Lists in those are stored one element per line (NULL
 * when empty): subjects come from HTTP header values, which cannot hold a line break.
 */
public final class RecordTable {

    static final String COLUMNS = "id, side, kind, query_id, request_id, client, service, method, path, user_id, "
            + "issue, purpose, subjects, data_subjects, status, exchanged_at, stored_at, signature, body_sha256, "
            + "body_sealed, prev_hash, record_hash";

    /** What {@link #row} reads: every column, and the journal location of rows that have one. */
    public static final String READ_COLUMNS = COLUMNS + ", journal_segment, journal_offset";

    private static final String INSERT = "INSERT INTO message_record (id, side, kind, query_id, exchanged_at,"
            + " stored_at, prev_hash, record_hash, journal_segment, journal_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The head of the chain: the last row's id and record hash. */
    record Head(long id, byte[] hash) {
        static final Head EMPTY = new Head(0, LogRow.GENESIS);
    }

    /** Where a record's journal entry is: the segment (its first sequence) and the frame's offset in it. */
    record Location(long segment, long offset) {
    }

    /** Reads the journal entry at a location. */
    @FunctionalInterface
    public interface Entries {
        /** @throws StoreException when it cannot be read or is not a journal entry */
        JournalEntry at(Location location);
    }

    /** Candidate ids read by one query. */
    private static final int CANDIDATES_PER_QUERY = 500;

    private RecordTable() {
    }

    /**
     * Inserts the index rows of {@code rows}, with their record hashes and the locations of their
     * journal entries, in one JDBC batch; the caller owns the transaction.
     */
    static void insert(Connection c, List<LogRow> rows, List<byte[]> hashes, List<Location> locations)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (int i = 0; i < rows.size(); i++) {
                LogRow r = rows.get(i);
                Location location = locations.get(i);
                s.setLong(1, r.id());
                s.setString(2, r.side());
                s.setString(3, r.kind());
                s.setString(4, r.queryId());
                s.setObject(5, Jdbc.timestamp(r.exchangedAt()));
                s.setObject(6, Jdbc.timestamp(r.storedAt()));
                s.setBytes(7, r.prevHash());
                s.setBytes(8, hashes.get(i));
                s.setLong(9, location.segment());
                s.setLong(10, location.offset());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static Head head(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, record_hash FROM message_record ORDER BY id DESC LIMIT 1",
                r -> new Head(r.getLong(1), r.getBytes(2))).orElse(Head.EMPTY);
    }

    /**
     * Refuses, with a {@link StoreException}, unless the table's last row is {@code expected} (or
     * the table is empty and {@code expected} is {@link Head#EMPTY}'s id): rows about to be
     * inserted after it then continue the chain without a gap.
     */
    static void requireHead(Connection c, Head expected) throws SQLException {
        Head actual = head(c);
        if (actual.id() != expected.id() || (expected.id() > 0 && !MessageDigest.isEqual(actual.hash(), expected.hash()))) {
            throw new StoreException("the message log's table ends at record " + actual.id() + " but the journal's"
                    + " chain at record " + expected.id() + ": the table lost records in a storage failure", null);
        }
    }

    /**
     * Refuses, with a {@link StoreException}, unless the table holds record {@code expected.id()}
     * with {@code expected.hash()} (always so for id 0, the empty chain).
     */
    static void requireRecord(Connection c, Head expected) throws SQLException {
        if (expected.id() == 0) {
            return;
        }
        Optional<byte[]> hash = Jdbc.queryOne(c, "SELECT record_hash FROM message_record WHERE id = ?",
                r -> r.getBytes(1), expected.id());
        if (hash.isEmpty() || !MessageDigest.isEqual(hash.get(), expected.hash())) {
            throw new StoreException("the message log's table no longer holds record " + expected.id()
                    + " as the writer stored it: the table lost records in a storage failure", null);
        }
    }

    /** The ids the table holds, from its oldest row to its newest; empty when it has none. */
    static Optional<QueryIndex.Range> ids(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT MIN(id), MAX(id) FROM message_record", r -> {
            long min = r.getLong(1);
            return r.wasNull() ? Optional.<QueryIndex.Range>empty() : Optional.of(new QueryIndex.Range(min, r.getLong(2)));
        }).flatMap(range -> range);
    }

    /** The last request and response rows of an exchange, in id order, found by the table's index on query_id. */
    static Optional<List<LogRow>> lastExchange(Connection c, String queryId, String side, Entries entries)
            throws SQLException {
        return lastExchange(Jdbc.query(c, "SELECT " + READ_COLUMNS + " FROM message_record WHERE query_id = ?"
                + " AND side = ? ORDER BY id DESC LIMIT 2", r -> row(r, entries), queryId, side));
    }

    /**
     * The last request and response rows of an exchange, in id order, found through the
     * {@link QueryIndex} files' {@code lookup}: its candidates read by id, and the ranges no file
     * covers scanned by id range (a table without the index on query_id).
     */
    static Optional<List<LogRow>> lastExchange(Connection c, String queryId, String side, QueryIndex.Lookup lookup,
                                               Entries entries) throws SQLException {
        Optional<QueryIndex.Range> ids = ids(c);
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        lookup = trusted(c, lookup);
        List<LogRow> found = new ArrayList<>();
        long[] candidates = lookup.candidates();
        for (int from = 0; from < candidates.length; from += CANDIDATES_PER_QUERY) {
            long[] some = Arrays.copyOfRange(candidates, from, Math.min(candidates.length, from + CANDIDATES_PER_QUERY));
            Object[] args = new Object[some.length + 2];
            args[0] = queryId;
            args[1] = side;
            for (int i = 0; i < some.length; i++) {
                args[i + 2] = some[i];
            }
            found.addAll(Jdbc.query(c, "SELECT " + READ_COLUMNS + " FROM message_record WHERE query_id = ? AND side = ?"
                    + " AND id IN (" + String.join(", ", Collections.nCopies(some.length, "?")) + ")",
                    r -> row(r, entries), args));
        }
        for (QueryIndex.Range gap : lookup.uncovered(ids.get().first(), ids.get().last())) {
            found.addAll(Jdbc.query(c, "SELECT " + READ_COLUMNS + " FROM message_record WHERE id BETWEEN ? AND ?"
                    + " AND query_id = ? AND side = ? ORDER BY id DESC LIMIT 2", r -> row(r, entries),
                    gap.first(), gap.last(), queryId, side));
        }
        found.sort(Comparator.comparingLong(LogRow::id).reversed());
        return lastExchange(found.subList(0, Math.min(2, found.size())));
    }

    /** The lookup with only the spans whose last id holds, in the table, the record hash they were written with. */
    private static QueryIndex.Lookup trusted(Connection c, QueryIndex.Lookup lookup) throws SQLException {
        Map<Long, byte[]> hashes = new HashMap<>();
        List<QueryIndex.Span> spans = lookup.spans();
        for (int from = 0; from < spans.size(); from += CANDIDATES_PER_QUERY) {
            List<QueryIndex.Span> some = spans.subList(from, Math.min(spans.size(), from + CANDIDATES_PER_QUERY));
            Jdbc.query(c, "SELECT id, record_hash FROM message_record WHERE id IN ("
                            + String.join(", ", Collections.nCopies(some.size(), "?")) + ")",
                    r -> hashes.put(r.getLong(1), r.getBytes(2)), some.stream().map(s -> s.range().last()).toArray());
        }
        return lookup.trusted(span -> {
            byte[] hash = hashes.get(span.range().last());
            return hash != null && MessageDigest.isEqual(hash, span.lastHash());
        });
    }

    /** The exchange of the newest two rows of a query on a side, newest first: a request, then its response. */
    private static Optional<List<LogRow>> lastExchange(List<LogRow> rows) {
        if (rows.size() < 2) {
            return Optional.empty();
        }
        LogRow response = rows.get(0);
        LogRow request = rows.get(1);
        if (!response.kind().equals(LogRow.RESPONSE) || !request.kind().equals(LogRow.REQUEST)
                || request.id() != response.id() - 1) {
            return Optional.empty();
        }
        return Optional.of(List.of(request, response));
    }

    /**
     * Reads one row selected with {@link #READ_COLUMNS}: from its journal entry when it has a
     * location (which must hold a record of this id, side, kind and query id), else from its
     * columns. The stored record hash is not part of it.
     *
     * @throws StoreException when the journal entry cannot be read or does not hold the record
     */
    public static LogRow row(ResultSet r, Entries entries) throws SQLException {
        long id = r.getLong("id");
        long segment = r.getLong("journal_segment");
        if (r.wasNull()) {
            return columns(r);
        }
        Location location = new Location(segment, r.getLong("journal_offset"));
        JournalEntry entry = entries.at(location);
        for (LogRow row : entry.rows()) {
            if (row.id() == id) {
                if (!row.side().equals(r.getString("side")) || !row.kind().equals(r.getString("kind"))
                        || !row.queryId().equals(r.getString("query_id"))) {
                    throw new StoreException("record " + id + " is indexed as the " + r.getString("side") + " "
                            + r.getString("kind") + " of query " + r.getString("query_id") + " but its journal entry"
                            + " (segment " + segment + ", offset " + location.offset() + ") holds the " + row.side()
                            + " " + row.kind() + " of query " + row.queryId(), null);
                }
                return row;
            }
        }
        throw new StoreException("record " + id + "'s journal entry (segment " + segment + ", offset "
                + location.offset() + ") does not hold it", null);
    }

    private static LogRow columns(ResultSet r) throws SQLException {
        Object status = r.getObject("status");
        return new LogRow(r.getLong("id"), r.getString("side"), r.getString("kind"), r.getString("query_id"),
                r.getString("request_id"), r.getString("client"), r.getString("service"), r.getString("method"),
                r.getString("path"), r.getString("user_id"), r.getString("issue"), r.getString("purpose"),
                splitLines(r.getString("subjects")), splitLines(r.getString("data_subjects")),
                status == null ? null : ((Number) status).intValue(), instant(r, "exchanged_at"),
                instant(r, "stored_at"), r.getString("signature"), r.getBytes("body_sha256"),
                r.getBytes("body_sealed"), r.getBytes("prev_hash"));
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        OffsetDateTime value = r.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static List<String> splitLines(String value) {
        return value == null ? List.of() : List.of(value.split("\n", -1));
    }
}
