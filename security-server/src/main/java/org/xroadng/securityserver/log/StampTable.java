package org.xroadng.securityserver.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.store.Jdbc;

/**
 * Maps time-stamped batches to {@code timestamp_batch} and each record's leaf index and inclusion
 * path to {@code message_record} (db/messagelog V2) and back.
 */
final class StampTable {

    /** An unstamped record: its id and stored record hash. */
    record Unstamped(long id, byte[] recordHash) {
    }

    private static final String BATCH_COLUMNS = "b.id, b.root, b.size, b.first_record_id, b.tsa_url, b.token, "
            + "b.stamped_at, b.gen_time";

    private StampTable() {
    }

    /** The oldest unstamped records up to id {@code upTo}, in id order, at most {@code limit}. */
    static List<Unstamped> unstamped(Connection c, int limit, long upTo) throws SQLException {
        return Jdbc.query(c, "SELECT id, record_hash FROM message_record WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
                r -> new Unstamped(r.getLong(1), r.getBytes(2)), lastStamped(c), upTo, limit);
    }

    static long countUnstamped(Connection c) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM message_record WHERE id > ?", lastStamped(c));
    }

    /**
     * The id of the newest stamped record, 0 when none is: batches cover consecutive ids in order,
     * so every record above it is unstamped and none below it is. (Archiving always keeps the
     * newest batch, so its stamps stay.)
     */
    private static long lastStamped(Connection c) throws SQLException {
        return Jdbc.count(c, "SELECT COALESCE(MAX(record_id), 0) FROM record_stamp");
    }

    /**
     * Stores a batch and its records' stamps, leaf i being {@code records.get(i)}; the caller owns the
     * transaction. Assigns the batch id (one more than the largest). Refuses, by an exception that
     * rolls the transaction back, unless the batch starts at the first unstamped record (and the
     * primary key refuses a record stamped twice).
     */
    static long insert(Connection c, TimestampBatch batch, List<Unstamped> records, List<List<byte[]>> paths)
            throws SQLException {
        long id = Jdbc.count(c, "SELECT COALESCE(MAX(id), 0) FROM timestamp_batch") + 1;
        Jdbc.update(c, "INSERT INTO timestamp_batch (id, root, size, first_record_id, last_record_id, tsa_url, token,"
                + " stamped_at, gen_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, batch.root(), batch.size(),
                batch.firstRecordId(), batch.lastRecordId(), batch.tsaUrl(), batch.token(), batch.stampedAt(),
                batch.genTime());
        long expectedFirst = lastStamped(c) + 1;
        if (records.isEmpty() || records.get(0).id() != expectedFirst) {
            throw new SQLException("batch " + id + " was to start at record " + (records.isEmpty() ? "(none)"
                    : records.get(0).id()) + " but the first unstamped record is " + expectedFirst);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO record_stamp (record_id, batch_id, leaf_index,"
                + " inclusion_path) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < records.size(); i++) {
                s.setLong(1, records.get(i).id());
                s.setLong(2, id);
                s.setInt(3, i);
                s.setBytes(4, RecordStamp.join(paths.get(i)));
                s.addBatch();
            }
            s.executeBatch();
        }
        return id;
    }

    /** A record's stamp; empty when there is no such record or it is not stamped yet. */
    static Optional<RecordStamp> stampOf(Connection c, long recordId) throws SQLException {
        return Jdbc.queryOne(c, "SELECT m.id AS record_id, m.record_hash, st.leaf_index, st.inclusion_path, "
                + BATCH_COLUMNS + " FROM message_record m JOIN record_stamp st ON st.record_id = m.id"
                + " JOIN timestamp_batch b ON b.id = st.batch_id WHERE m.id = ?",
                r -> new RecordStamp(r.getLong("record_id"), r.getBytes("record_hash"), r.getInt("leaf_index"),
                        RecordStamp.split(r.getBytes("inclusion_path")), batch(r)), recordId);
    }

    /** A batch by id. */
    static Optional<TimestampBatch> batch(Connection c, long batchId) throws SQLException {
        return Jdbc.queryOne(c, "SELECT " + BATCH_COLUMNS + " FROM timestamp_batch b WHERE b.id = ?",
                StampTable::batch, batchId);
    }

    private static TimestampBatch batch(ResultSet r) throws SQLException {
        return new TimestampBatch(r.getLong("id"), r.getBytes("root"), r.getInt("size"), r.getLong("first_record_id"),
                r.getString("tsa_url"), r.getBytes("token"), Jdbc.instant(r, "stamped_at"),
                Jdbc.instant(r, "gen_time"));
    }
}
