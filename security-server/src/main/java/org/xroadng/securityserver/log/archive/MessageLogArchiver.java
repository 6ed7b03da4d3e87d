package org.xroadng.securityserver.log.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.LogRow;
import org.xroadng.securityserver.log.RecordTable;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/**
 * Retention for the message log (DESIGN.md section 6): moves time-stamped records older than a
 * retention age out of the database into a chain of archive files ({@link ArchiveCodec} format,
 * {@link ArchiveFiles} names), checked by {@link ArchiveVerifier}.
 *
 * <p>What is archived: whole timestamp batches, oldest first, whose every record was stored
 * (by the server's clock) more than the retention age ago. A batch is never split, an unstamped
 * record is never archived, and the newest batch always stays in the database so that record and
 * batch ids continue from it after a restart. Records enter the file exactly as stored: all
 * columns, the body still sealed under the message log key, record hash, previous hash, batch,
 * leaf index and inclusion path. Before writing, each record's hash is recomputed and its link
 * checked; a broken chain is refused rather than archived.
 *
 * <p>Crash safety: a file is written under a temporary name, forced to disk, atomically renamed
 * and its directory forced; only then are its records and batches deleted in one transaction that
 * also records the file's sequence and SHA-256 and the last archived record's hash in
 * {@code archive_state} (the first remaining record's link, see {@link H2MessageLog#verifyChain}).
 * A crash therefore leaves either the file and no records, or the file and its records still in the
 * database. The next run first removes temporary files (their records never left), then compares
 * the newest file with {@code archive_state}: when it is the one after the last recorded, that
 * file's records are still in the database and the run finishes its deletion (after checking that
 * every record there has the same hash) instead of archiving them again, so nothing is duplicated
 * or lost. Any other disagreement between the directory and the database is refused.
 *
 * <p>One archiver at a time per log; it may run while the log is written and stamped.
 */
public final class MessageLogArchiver {

    /** The default number of records per archive file (a batch is never split, so a file may hold more). */
    public static final int DEFAULT_RECORDS_PER_FILE = 10_000;

    private final Database db;
    private final H2MessageLog log;
    private final Path dir;
    private final Clock clock;
    private final int recordsPerFile;

    /**
     * @param log            the log whose records are archived
     * @param dir            the archive directory (created when needed)
     * @param recordsPerFile the number of records after which a file is closed, at least 1
     */
    public MessageLogArchiver(H2MessageLog log, Path dir, Clock clock, int recordsPerFile) {
        this.log = Objects.requireNonNull(log, "log");
        this.db = log.database();
        this.dir = Objects.requireNonNull(dir, "dir");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (recordsPerFile < 1) {
            throw new IllegalArgumentException("records per archive file is " + recordsPerFile + "; allowed: >= 1");
        }
        this.recordsPerFile = recordsPerFile;
    }

    /** The archive directory. */
    public Path directory() {
        return dir;
    }

    /**
     * Finishes an interrupted run if there is one, then archives every eligible batch whose records
     * are all older than {@code olderThan}.
     *
     * @param olderThan the retention age, positive
     * @throws IllegalArgumentException {@code olderThan} is zero or negative
     * @throws ArchiveException         a file or the database could not be written or read, or they disagree
     */
    public ArchiveRun archive(Duration olderThan) throws ArchiveException {
        Objects.requireNonNull(olderThan, "olderThan");
        if (olderThan.isZero() || olderThan.isNegative()) {
            throw new IllegalArgumentException("retention age is " + olderThan + "; allowed: a positive duration");
        }
        Optional<ArchiveTable.State> state = recover();
        Path recovered = null;
        long batches = 0;
        long records = 0;
        Recovery recovery = finishInterrupted(state);
        if (recovery != null) {
            recovered = recovery.path();
            batches += recovery.file().batches().size();
            records += recovery.file().recordCount();
            state = read(ArchiveTable::state);
        }
        Instant cutoff = clock.instant().minus(olderThan);
        List<Path> written = new ArrayList<>();
        while (true) {
            Optional<Written> next = writeNext(state, cutoff);
            if (next.isEmpty()) {
                break;
            }
            ArchiveFile file = next.get().file();
            delete(file, next.get().sha256());
            written.add(next.get().path());
            batches += file.batches().size();
            records += file.recordCount();
            state = read(ArchiveTable::state);
        }
        return new ArchiveRun(written, recovered, batches, records);
    }

    private record Written(Path path, ArchiveFile file, byte[] sha256) {
    }

    /**
     * Writes the next archive file but leaves its records in the database: the first half of a
     * run, as a crash between the rename and the deletion leaves it. For tests of recovery.
     */
    Optional<Path> writeNextFileOnly(Duration olderThan) throws ArchiveException {
        return writeNext(read(ArchiveTable::state), clock.instant().minus(olderThan)).map(Written::path);
    }

    /** Writes the next file from the eligible batches; empty when none is eligible. */
    private Optional<Written> writeNext(Optional<ArchiveTable.State> state, Instant cutoff) throws ArchiveException {
        List<ArchiveTable.Candidate> candidates = read(c -> ArchiveTable.oldestBatches(c, cutoff, recordsPerFile));
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        ArchiveFile file = collect(state, candidates);
        byte[] bytes = ArchiveCodec.encode(file);
        try {
            Path path = ArchiveFiles.writeAtomically(dir, file.sequence(), bytes);
            return Optional.of(new Written(path, file, sha256(bytes)));
        } catch (IOException e) {
            throw new ArchiveException("cannot write archive file " + ArchiveFiles.name(file.sequence()) + " in "
                    + dir + ": " + e.getMessage(), e);
        }
    }

    /** The oldest record left in the database, to check the archive's chain into it. */
    public Optional<ArchiveVerifier.FirstRecord> firstRemainingRecord() throws ArchiveException {
        return read(ArchiveTable::firstRecord);
    }

    private record Recovery(Path path, ArchiveFile file) {
    }

    /** Removes temporary files and reads the archive state. */
    private Optional<ArchiveTable.State> recover() throws ArchiveException {
        try {
            ArchiveFiles.removeTemporary(dir);
        } catch (IOException e) {
            throw new ArchiveException("cannot remove temporary archive files in " + dir + ": " + e.getMessage(), e);
        }
        return read(ArchiveTable::state);
    }

    /** When the newest file's records were not deleted yet, deletes them; null when nothing was pending. */
    private Recovery finishInterrupted(Optional<ArchiveTable.State> state) throws ArchiveException {
        TreeMap<Long, Path> files;
        try {
            files = ArchiveFiles.list(dir);
        } catch (IOException e) {
            throw new ArchiveException("cannot list the archive directory " + dir + ": " + e.getMessage(), e);
        }
        long recorded = state.map(ArchiveTable.State::sequence).orElse(0L);
        long newest = files.isEmpty() ? 0 : files.lastKey();
        if (recorded > 0) {
            Path last = files.get(recorded);
            if (last == null) {
                throw new ArchiveException("the database has archived up to " + ArchiveFiles.name(recorded)
                        + " but " + dir + " does not hold it: expected that file, found "
                        + (files.isEmpty() ? "no archive files" : "files up to " + ArchiveFiles.name(newest)));
            }
            byte[] sha = sha256(bytes(last));
            if (!MessageDigest.isEqual(sha, state.get().fileSha256())) {
                throw new ArchiveException("archive file " + last + " is not the one the database archived: expected"
                        + " SHA-256 " + HexFormat.of().formatHex(state.get().fileSha256()) + ", found "
                        + HexFormat.of().formatHex(sha));
            }
        }
        if (newest == recorded) {
            return null;
        }
        if (newest != recorded + 1) {
            throw new ArchiveException("the archive directory " + dir + " holds files up to "
                    + ArchiveFiles.name(newest) + " but the database has archived up to sequence " + recorded
                    + ": expected at most one file more");
        }
        Path path = files.get(newest);
        byte[] bytes = bytes(path);
        ArchiveFile file;
        try {
            file = ArchiveCodec.decode(path.getFileName().toString(), bytes);
        } catch (ArchiveVerificationException e) {
            throw new ArchiveException("cannot finish archiving " + path + ": " + e.getMessage(), e);
        }
        checkPending(path, file, state);
        delete(file, sha256(bytes));
        return new Recovery(path, file);
    }

    /**
     * Checks that a file left by an interrupted run holds its records faithfully before they are
     * deleted: it follows the last recorded file, and every record hashes to its stored hash and
     * links to the one before it, from the last archived record on.
     */
    private static void checkPending(Path path, ArchiveFile file, Optional<ArchiveTable.State> state)
            throws ArchiveException {
        byte[] previousFile = state.map(ArchiveTable.State::fileSha256).orElse(new byte[32]);
        if (!MessageDigest.isEqual(previousFile, file.previousFileSha256())) {
            throw new ArchiveException("cannot finish archiving " + path + ": its previous-file digest is not the"
                    + " last archived file's: expected " + HexFormat.of().formatHex(previousFile) + ", found "
                    + HexFormat.of().formatHex(file.previousFileSha256()));
        }
        byte[] prev = state.map(ArchiveTable.State::recordHash).orElse(LogRow.genesis());
        long expectedId = state.map(s -> s.recordId() + 1).orElse(1L);
        for (ArchivedBatch batch : file.batches()) {
            for (ArchivedRecord r : batch.records()) {
                try {
                    check(r, batch.batch(), expectedId, prev);
                } catch (ArchiveException e) {
                    throw new ArchiveException("cannot finish archiving " + path + ": " + e.getMessage(), e);
                }
                prev = r.recordHash();
                expectedId++;
            }
        }
    }

    /** Reads the candidates' records and checks their chain from the last archived record. */
    private ArchiveFile collect(Optional<ArchiveTable.State> state, List<ArchiveTable.Candidate> candidates)
            throws ArchiveException {
        long sequence = state.map(ArchiveTable.State::sequence).orElse(0L) + 1;
        byte[] previousFile = state.map(ArchiveTable.State::fileSha256).orElse(new byte[32]);
        byte[] prev = state.map(ArchiveTable.State::recordHash).orElse(LogRow.genesis());
        long expectedId = state.map(s -> s.recordId() + 1).orElse(1L);
        List<ArchivedBatch> batches = new ArrayList<>();
        long count = 0;
        for (ArchiveTable.Candidate candidate : candidates) {
            if (count > 0 && count + candidate.batch().size() > recordsPerFile) {
                break;
            }
            TimestampBatch batch = candidate.batch();
            RecordTable.Entries entries = log.entries();
            List<ArchivedRecord> records = read(c -> ArchiveTable.records(c, batch, entries));
            if (records.size() != batch.size()) {
                throw new ArchiveException("batch " + batch.id() + " covers records " + batch.firstRecordId() + ".."
                        + batch.lastRecordId() + ": expected " + batch.size() + " stamped records in the database,"
                        + " found " + records.size());
            }
            for (ArchivedRecord r : records) {
                check(r, batch, expectedId, prev);
                prev = r.recordHash();
                expectedId++;
            }
            batches.add(new ArchivedBatch(batch, records));
            count += records.size();
        }
        return new ArchiveFile(sequence, previousFile, clock.instant(), batches);
    }

    private static void check(ArchivedRecord r, TimestampBatch batch, long expectedId, byte[] prev)
            throws ArchiveException {
        HexFormat hex = HexFormat.of();
        LogRow row = r.row();
        if (row.id() != expectedId) {
            throw new ArchiveException("the records to archive are not consecutive: expected record " + expectedId
                    + ", found " + row.id());
        }
        if (!MessageDigest.isEqual(prev, row.prevHash())) {
            throw new ArchiveException("record " + row.id() + " does not link to the record before it; refusing to"
                    + " archive: expected prev hash " + hex.formatHex(prev) + ", found " + hex.formatHex(row.prevHash()));
        }
        if (!MessageDigest.isEqual(row.recordHash(), r.recordHash())) {
            throw new ArchiveException("record " + row.id() + " does not hash to its stored record hash; refusing to"
                    + " archive: expected " + hex.formatHex(r.recordHash()) + ", computed "
                    + hex.formatHex(row.recordHash()));
        }
        if (r.batchId() != batch.id() || r.leafIndex() != row.id() - batch.firstRecordId()) {
            throw new ArchiveException("record " + row.id() + " is not where its batch puts it: expected batch "
                    + batch.id() + " leaf " + (row.id() - batch.firstRecordId()) + ", found batch " + r.batchId()
                    + " leaf " + r.leafIndex());
        }
    }

    private void delete(ArchiveFile file, byte[] fileSha256) throws ArchiveException {
        Instant now = clock.instant();
        try {
            db.inTransaction(c -> {
                ArchiveTable.deleteArchived(c, file, fileSha256, now);
                return null;
            });
        } catch (StoreException e) {
            throw new ArchiveException("wrote archive file " + ArchiveFiles.name(file.sequence()) + " but could not"
                    + " delete its records from the database (a later run finishes this): " + e.getMessage(), e);
        }
    }

    private <T> T read(Database.Work<T, RuntimeException> work) throws ArchiveException {
        try {
            return db.inTransaction(work);
        } catch (StoreException | IllegalArgumentException e) {
            throw new ArchiveException("cannot read the message log database: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(Path file) throws ArchiveException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ArchiveException("cannot read archive file " + file + ": " + e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        return LogRow.sha256().digest(bytes);
    }
}
