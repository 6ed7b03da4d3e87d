package org.xroadng.securityserver.log.archive;

import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.log.LogRow;
import org.xroadng.securityserver.log.RecordTable;
import org.xroadng.securityserver.log.timestamp.StampTable;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/**
 * The database side of retention (db/messagelog V3): which batches may be archived, their records
 * as stored, and deleting them together with the update of {@code archive_state}.
 */
public final class ArchiveTable {

    /** The {@code archive_state} row: the last archive file whose records left the database. */
    record State(long sequence, byte[] fileSha256, long recordId, byte[] recordHash, long batchId) {
    }

    /** A batch with the time its newest record was stored. */
    record Candidate(TimestampBatch batch, Instant newestStoredAt) {
    }

    private ArchiveTable() {
    }

    static Optional<State> state(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT last_sequence, last_file_sha256, last_record_id, last_record_hash,"
                + " last_batch_id FROM archive_state WHERE id = 1", r -> new State(r.getLong(1), r.getBytes(2),
                r.getLong(3), r.getBytes(4), r.getLong(5)));
    }

    /** The hash the first remaining record must link to: the last archived record's, or the genesis. */
    public static byte[] chainStart(Connection c) throws SQLException {
        return state(c).map(State::recordHash).orElse(LogRow.genesis());
    }

    /**
     * The oldest batches, in id order, except the newest batch (it stays, so that record and batch
     * ids continue from the database after a restart), stopping before the first batch whose newest
     * record was stored at or after {@code cutoff}; at most {@code limit} batches.
     */
    static List<Candidate> oldestBatches(Connection c, Instant cutoff, int limit) throws SQLException {
        List<Candidate> candidates = Jdbc.query(c, "SELECT b.id, b.root, b.size, b.first_record_id, b.tsa_url, b.token,"
                + " b.stamped_at, b.gen_time, (SELECT MAX(m.stored_at) FROM message_record m"
                + " WHERE m.id BETWEEN b.first_record_id AND b.last_record_id) AS newest FROM timestamp_batch b"
                + " WHERE b.id < (SELECT MAX(id) FROM timestamp_batch) ORDER BY b.id LIMIT ?",
                r -> new Candidate(new TimestampBatch(r.getLong("id"), r.getBytes("root"), r.getInt("size"),
                        r.getLong("first_record_id"), r.getString("tsa_url"), r.getBytes("token"),
                        Jdbc.instant(r, "stamped_at"), Jdbc.instant(r, "gen_time")), Jdbc.instant(r, "newest")),
                limit);
        List<Candidate> old = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (candidate.newestStoredAt() == null || !candidate.newestStoredAt().isBefore(cutoff)) {
                break;
            }
            old.add(candidate);
        }
        return old;
    }

    /** The oldest remaining record's id and prev hash, if any. */
    static Optional<ArchiveVerifier.FirstRecord> firstRecord(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, prev_hash FROM message_record ORDER BY id LIMIT 1",
                r -> new ArchiveVerifier.FirstRecord(r.getLong(1), r.getBytes(2)));
    }

    /**
     * The records of a batch in leaf order, every column as stored (in the journal, for rows since
     * V7), each with its inclusion path in the batch's tree.
     *
     * @throws org.xroadng.protocol.store.StoreException when the batch's records no longer hash to its root
     */
    static List<ArchivedRecord> records(Connection c, TimestampBatch batch, RecordTable.Entries entries)
            throws SQLException {
        StampTable.BatchTree tree = StampTable.BatchTree.of(c, batch);
        List<ArchivedRecord> records = new ArrayList<>(batch.size());
        for (Object[] row : Jdbc.query(c, "SELECT " + RecordTable.READ_COLUMNS + " FROM message_record"
                        + " WHERE id BETWEEN ? AND ? ORDER BY id",
                r -> new Object[] {RecordTable.row(r, entries), r.getBytes("record_hash")},
                batch.firstRecordId(), batch.lastRecordId())) {
            int leaf = records.size();
            records.add(new ArchivedRecord((LogRow) row[0], (byte[]) row[1], batch.id(), leaf, tree.path(leaf)));
        }
        return records;
    }

    /**
     * Deletes the records and batches of archive file {@code file} (whose bytes hash to
     * {@code fileSha256}) and records it in {@code archive_state}; the caller owns the transaction.
     * Refuses, changing nothing, unless the file is the one after the last recorded and every one
     * of its records is still in the database with the same record hash in the same batch.
     */
    static void deleteArchived(Connection c, ArchiveFile file, byte[] fileSha256, Instant now)
            throws SQLException, ArchiveException {
        long expectedSequence = state(c).map(State::sequence).orElse(0L) + 1;
        if (file.sequence() != expectedSequence) {
            throw new ArchiveException("archive file " + ArchiveFiles.name(file.sequence())
                    + " is not the next one for the database: expected sequence " + expectedSequence + ", found "
                    + file.sequence());
        }
        HexFormat hex = HexFormat.of();
        long first = file.firstRecord().row().id();
        long last = file.lastRecord().row().id();
        List<Object[]> stored = Jdbc.query(c, "SELECT m.id, m.record_hash, b.id FROM message_record m"
                + " LEFT JOIN timestamp_batch b ON m.id BETWEEN b.first_record_id AND b.last_record_id"
                + " WHERE m.id BETWEEN ? AND ? ORDER BY m.id",
                r -> new Object[] {r.getLong(1), r.getBytes(2), r.getObject(3, Long.class)}, first, last);
        List<ArchivedRecord> archived = new ArrayList<>();
        file.batches().forEach(b -> archived.addAll(b.records()));
        if (stored.size() != archived.size()) {
            throw new ArchiveException("archive file " + ArchiveFiles.name(file.sequence()) + " holds records "
                    + first + ".." + last + ": expected " + archived.size() + " of them in the database, found "
                    + stored.size());
        }
        for (int i = 0; i < archived.size(); i++) {
            ArchivedRecord a = archived.get(i);
            Object[] s = stored.get(i);
            if ((Long) s[0] != a.row().id() || !MessageDigest.isEqual((byte[]) s[1], a.recordHash())
                    || !Long.valueOf(a.batchId()).equals(s[2])) {
                throw new ArchiveException("archive file " + ArchiveFiles.name(file.sequence())
                        + " does not match the database at record " + a.row().id() + ": expected hash "
                        + hex.formatHex(a.recordHash()) + " in batch " + a.batchId() + ", found record " + s[0]
                        + " with hash " + hex.formatHex((byte[]) s[1]) + " in batch " + s[2]);
            }
        }
        long firstBatch = file.batches().get(0).batch().id();
        long lastBatch = file.batches().get(file.batches().size() - 1).batch().id();
        Jdbc.update(c, "DELETE FROM message_record WHERE id BETWEEN ? AND ?", first, last);
        int batches = Jdbc.update(c, "DELETE FROM timestamp_batch WHERE id BETWEEN ? AND ?", firstBatch, lastBatch);
        if (batches != file.batches().size()) {
            throw new ArchiveException("archive file " + ArchiveFiles.name(file.sequence()) + " holds batches "
                    + firstBatch + ".." + lastBatch + ": expected " + file.batches().size()
                    + " of them in the database, found " + batches);
        }
        ArchivedRecord lastRecord = file.lastRecord();
        Object[] state = {file.sequence(), fileSha256, lastRecord.row().id(), lastRecord.recordHash(), lastBatch, now};
        if (Jdbc.update(c, "UPDATE archive_state SET last_sequence = ?, last_file_sha256 = ?, last_record_id = ?,"
                + " last_record_hash = ?, last_batch_id = ?, archived_at = ? WHERE id = 1", state) == 0) {
            Jdbc.update(c, "INSERT INTO archive_state (id, last_sequence, last_file_sha256, last_record_id,"
                    + " last_record_hash, last_batch_id, archived_at) VALUES (1, ?, ?, ?, ?, ?, ?)", state);
        }
    }
}
