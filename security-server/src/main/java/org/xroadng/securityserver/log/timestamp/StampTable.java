package org.xroadng.securityserver.log.timestamp;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * Maps time-stamped batches to {@code timestamp_batch} (db/messagelog V2, V8) and back. A batch
 * covers the records {@code first_record_id..last_record_id}; a record's leaf index and inclusion
 * path are not stored but computed when asked for, from the record hashes of its batch
 * ({@link BatchTree}): stamping a batch writes one row, whatever its size.
 */
public final class StampTable {

    /** An unstamped record: its id and stored record hash. */
    public record Unstamped(long id, byte[] recordHash) {
    }

    private static final String BATCH_COLUMNS = "b.id, b.root, b.size, b.first_record_id, b.tsa_url, b.token, "
            + "b.stamped_at, b.gen_time";

    private StampTable() {
    }

    /** The oldest unstamped records up to id {@code upTo}, in id order, at most {@code limit}. */
    public static List<Unstamped> unstamped(Connection c, int limit, long upTo) throws SQLException {
        return Jdbc.query(c, "SELECT id, record_hash FROM message_record WHERE id > ? AND id <= ? ORDER BY id LIMIT ?",
                r -> new Unstamped(r.getLong(1), r.getBytes(2)), lastStamped(c), upTo, limit);
    }

    public static long countUnstamped(Connection c) throws SQLException {
        return Jdbc.count(c, "SELECT COUNT(*) FROM message_record WHERE id > ?", lastStamped(c));
    }

    /**
     * The id of the newest stamped record, 0 when none is: batches cover consecutive ids in order,
     * so every record above it is unstamped and none below it is. (Archiving always keeps the
     * newest batch, so this survives it.)
     */
    private static long lastStamped(Connection c) throws SQLException {
        return Jdbc.count(c, "SELECT COALESCE(MAX(last_record_id), 0) FROM timestamp_batch");
    }

    /**
     * Stores a batch whose leaf i is {@code records.get(i)}; the caller owns the transaction.
     * Assigns the batch id (one more than the largest). Refuses, by an exception that rolls the
     * transaction back, unless the batch starts at the first unstamped record and its records
     * have consecutive ids.
     */
    static long insert(Connection c, TimestampBatch batch, List<Unstamped> records) throws SQLException {
        long expectedFirst = lastStamped(c) + 1;
        if (records.isEmpty() || records.get(0).id() != expectedFirst || batch.firstRecordId() != expectedFirst
                || records.get(records.size() - 1).id() != batch.lastRecordId() || records.size() != batch.size()) {
            throw new SQLException("a batch was to start at record " + (records.isEmpty() ? "(none)"
                    : records.get(0).id()) + " but the first unstamped record is " + expectedFirst);
        }
        long id = Jdbc.count(c, "SELECT COALESCE(MAX(id), 0) FROM timestamp_batch") + 1;
        Jdbc.update(c, "INSERT INTO timestamp_batch (id, root, size, first_record_id, last_record_id, tsa_url, token,"
                + " stamped_at, gen_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, batch.root(), batch.size(),
                batch.firstRecordId(), batch.lastRecordId(), batch.tsaUrl(), batch.token(), batch.stampedAt(),
                batch.genTime());
        return id;
    }

    /**
     * A record's stamp, its path computed from its batch's record hashes; empty when there is no
     * such record or it is not stamped yet.
     *
     * @throws StoreException when the batch's records no longer hash to its root
     */
    public static Optional<RecordStamp> stampOf(Connection c, long recordId) throws SQLException {
        Optional<TimestampBatch> batch = Jdbc.queryOne(c, "SELECT " + BATCH_COLUMNS + " FROM timestamp_batch b"
                + " WHERE b.first_record_id <= ? AND b.last_record_id >= ?", StampTable::batch, recordId, recordId);
        if (batch.isEmpty()) {
            return Optional.empty();
        }
        BatchTree tree = BatchTree.of(c, batch.get());
        int leaf = (int) (recordId - batch.get().firstRecordId());
        return Optional.of(new RecordStamp(recordId, tree.recordHash(leaf), leaf, tree.path(leaf), batch.get()));
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

    /**
     * The Merkle tree of one stored batch (RFC 9162 section 2.1.1, leaf i the record hash of
     * record {@code firstRecordId + i}), rebuilt from {@code message_record} and checked against
     * the batch's root.
     */
    public static final class BatchTree {
        private final TimestampBatch batch;
        private final List<byte[]> recordHashes;
        private final InMemoryMerkleLog tree = new InMemoryMerkleLog();

        private BatchTree(TimestampBatch batch, List<byte[]> recordHashes) {
            this.batch = batch;
            this.recordHashes = recordHashes;
            recordHashes.forEach(tree::append);
        }

        /**
         * Reads the batch's record hashes and rebuilds its tree.
         *
         * @throws StoreException when records of the batch are missing or the tree's root is not the batch's
         */
        public static BatchTree of(Connection c, TimestampBatch batch) throws SQLException {
            List<Object[]> rows = Jdbc.query(c, "SELECT id, record_hash FROM message_record WHERE id BETWEEN ? AND ?"
                    + " ORDER BY id", r -> new Object[] {r.getLong(1), r.getBytes(2)}, batch.firstRecordId(),
                    batch.lastRecordId());
            List<byte[]> hashes = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                if ((Long) row[0] != batch.firstRecordId() + hashes.size()) {
                    break;
                }
                hashes.add((byte[]) row[1]);
            }
            if (hashes.size() != batch.size()) {
                throw new StoreException("time-stamp batch " + batch.id() + " covers records " + batch.firstRecordId()
                        + ".." + batch.lastRecordId() + " but the message log holds " + hashes.size()
                        + " of them in order: records are missing", null);
            }
            BatchTree built = new BatchTree(batch, hashes);
            if (!MessageDigest.isEqual(built.tree.root(), batch.root())) {
                throw new StoreException("the records of time-stamp batch " + batch.id() + " (" + batch.firstRecordId()
                        + ".." + batch.lastRecordId() + ") do not hash to the root its token covers: a record hash"
                        + " was changed since it was stamped", null);
            }
            return built;
        }

        byte[] recordHash(int leaf) {
            return recordHashes.get(leaf).clone();
        }

        /** The inclusion path of leaf {@code leaf} (RFC 9162 section 2.1.3.1), leaf side first. */
        public List<byte[]> path(int leaf) {
            return tree.inclusion(leaf, batch.size()).path();
        }
    }
}
