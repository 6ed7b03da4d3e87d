package org.xroadng.securityserver.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.store.Jdbc;

/**
 * Maps {@link LogRow}s to the {@code message_record} table (db/messagelog) and back. Lists are
 * stored one element per line (NULL when empty): subjects come from HTTP header values, which
 * cannot hold a line break.
 */
final class RecordTable {

    static final String COLUMNS = "id, side, kind, query_id, request_id, client, service, method, path, user_id, "
            + "issue, purpose, subjects, data_subjects, status, exchanged_at, stored_at, signature, body_sha256, "
            + "body_sealed, prev_hash, record_hash";

    private static final String INSERT = "INSERT INTO message_record (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The head of the chain: the last row's id and record hash. */
    record Head(long id, byte[] hash) {
        static final Head EMPTY = new Head(0, LogRow.GENESIS);
    }

    private RecordTable() {
    }

    /** Inserts rows with their record hashes in one JDBC batch; the caller owns the transaction. */
    static void insert(Connection c, List<LogRow> rows, List<byte[]> hashes) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (int i = 0; i < rows.size(); i++) {
                LogRow r = rows.get(i);
                int p = 1;
                s.setLong(p++, r.id());
                s.setString(p++, r.side());
                s.setString(p++, r.kind());
                s.setString(p++, r.queryId());
                s.setString(p++, r.requestId());
                s.setString(p++, r.client());
                s.setString(p++, r.service());
                s.setString(p++, r.method());
                s.setString(p++, r.path());
                s.setString(p++, r.userId());
                s.setString(p++, r.issue());
                s.setString(p++, r.purpose());
                s.setString(p++, joinLines(r.subjects()));
                s.setString(p++, joinLines(r.dataSubjects()));
                s.setObject(p++, r.status());
                s.setObject(p++, r.exchangedAt().atOffset(ZoneOffset.UTC));
                s.setObject(p++, r.storedAt().atOffset(ZoneOffset.UTC));
                s.setString(p++, r.signature());
                s.setBytes(p++, r.bodySha256());
                s.setBytes(p++, r.bodySealed());
                s.setBytes(p++, r.prevHash());
                s.setBytes(p, hashes.get(i));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static Head head(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, record_hash FROM message_record ORDER BY id DESC LIMIT 1",
                r -> new Head(r.getLong(1), r.getBytes(2))).orElse(Head.EMPTY);
    }

    /** The last request and response rows of an exchange, in id order. */
    static Optional<List<LogRow>> lastExchange(Connection c, String queryId, String side) throws SQLException {
        List<LogRow> rows = Jdbc.query(c, "SELECT " + COLUMNS + " FROM message_record WHERE query_id = ? AND side = ?"
                + " ORDER BY id DESC LIMIT 2", RecordTable::row, queryId, side);
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

    /** Reads one row; the stored record hash is returned beside it. */
    static LogRow row(ResultSet r) throws SQLException {
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

    private static String joinLines(List<String> values) {
        return values.isEmpty() ? null : String.join("\n", values);
    }

    private static List<String> splitLines(String value) {
        return value == null ? List.of() : List.of(value.split("\n", -1));
    }
}
