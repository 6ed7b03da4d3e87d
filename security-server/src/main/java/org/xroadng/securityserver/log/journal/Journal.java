package org.xroadng.securityserver.log.journal;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.xroadng.securityserver.log.journal.SegmentFormat.FRAME_HEADER_BYTES;
import static org.xroadng.securityserver.log.journal.SegmentFormat.HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, group-committed, crash-safe store of opaque entries, numbered densely from 1 over
 * the journal's whole life: the durable home of every logged exchange.
 *
 * <p>Entries are written as frames (length, CRC32C over sequence and payload, sequence, payload)
 * into segment files named by their first sequence (format in {@code SegmentFormat}).
 * {@link #append} writes a group of entries with one write call (one per MiB of frames);
 * {@link #commit} acknowledges
 * everything appended so far, after one {@code fdatasync} when asked to force.
 *
 * <p><b>Guarantees.</b> After {@code commit(true)} returns, the committed entries survive a crash
 * of the machine; after {@code commit(false)}, a kill of the process. {@link #replay} hands out
 * committed entries only, each checked against its CRC, in sequence order. An entry that was
 * appended but not committed may or may not survive a crash (as with any storage, an
 * unacknowledged write is undecided); once {@link #rollback} has succeeded it is gone for good.
 *
 * <p><b>Failure.</b> A failed append or commit (a full disk, a failed {@code fsync}) leaves the
 * journal <em>failed</em>: it refuses appends and commits, naming the first cause, until
 * {@link #rollback} has cut the files back to the last committed entry. Nothing is ever appended
 * after bytes whose fate is unknown.
 *
 * <p><b>Recovery.</b> {@link #open} checks every segment, frame by frame from the segment holding
 * the entry its caller names as the first not yet indexed elsewhere (older ones by their header;
 * {@link SegmentReader} checks their frames on every read). A bad or incomplete frame in the last
 * segment, after every entry the caller indexed, is a write torn by a crash: the file is cut there
 * (with a WARN log) and the journal goes on. Damage anywhere else, a gap between segments or a bad header is refused with an exception
 * naming the file and offset; the operator must restore or move that file. After recovery
 * everything on disk counts as committed.
 *
 * <p><b>The next segment ahead of time.</b> Writing into blocks a file already has is one device
 * write per flush; growing the file costs several (its metadata too), and zeros laid down in the
 * file being written are flushed by the writer's next {@code fdatasync}: 4 MiB of them made one
 * commit in every few hundred take 30-45 ms. So one background thread makes the next segment's
 * file ahead of time ({@value #SPARE_FILE}: zeros of a segment's size and more, forced a MiB at a
 * time so that no commit waits for all of them, {@link #SPARE_FORCE_BYTES}) once the
 * current one is half full and the disk has room for it twice over; a roll writes the header into
 * it and renames it. Without a
 * spare ready, a roll creates the file itself and lays zeros down as it goes. A spare left by a
 * crash is deleted on open: it never holds entries.
 *
 * <p><b>Threads.</b> One thread calls the methods that change or read the files ({@code append},
 * {@code commit}, {@code rollback}, {@code replay}, {@code release}, {@code close}); the journal's
 * own thread only ever writes the spare. {@link #nextSequence}, {@link #committedSequence}, {@link #isFailed} and
 * {@link #stats} may be read from any thread.
 */
public final class Journal implements AutoCloseable {

    /**
     * The bytes an entry of {@code payloadLength} takes in a segment, its frame header included:
     * the entries of one {@link #append} lie one after another in one segment, each this far
     * after the one before.
     */
    public static long frameBytes(int payloadLength) {
        return FRAME_HEADER_BYTES + (long) payloadLength;
    }

    /** The largest payload an entry may have: 64 MiB. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
    static final long PREALLOCATE_BYTES = 4L * 1024 * 1024;
    /**
     * The zeros the spare maker writes between forces. The device flush that ends a commit waits
     * for every write in flight on the device: a spare's 68 MiB forced at once held the commits of
     * every log on it for 40 to 70 ms, every few seconds under load. 1 MiB is forced in 1 to 3 ms.
     */
    static final long SPARE_FORCE_BYTES = 1024 * 1024;
    static final String LOCK_FILE = "journal.lock";
    static final String SPARE_FILE = "next-segment.spare";
    private static final Set<StandardOpenOption> CREATE_LOCK = Set.of(StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(256 * 1024).asReadOnlyBuffer();

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final Set<OpenOption> READ_ONLY = Set.of(READ);
    private static final Set<OpenOption> READ_WRITE = Set.of(READ, WRITE);
    private static final Set<OpenOption> CREATE = Set.of(CREATE_NEW, READ, WRITE);
    /**
     * Frames are copied into one direct buffer of this size, kept for the journal's life, and
     * written from it, a write call per buffer full. Handed heap buffers, the JDK copies each into a
     * temporary direct buffer of its own; a group's entries differ in size, so its per-thread cache
     * of those missed and it allocated and freed native memory for every entry of every group (a
     * tenth of the writer's samples). A group of large entries still needs no more direct memory.
     */
    private static final int STAGING_BYTES = 1024 * 1024;

    /**
     * How the journal lays out its files.
     *
     * @param segmentBytes an append that finds the current segment at least this big first rolls
     *     to a new segment file (so a segment exceeds it by at most one append); at least 4 KiB
     */
    public record Settings(long segmentBytes) {

        public static final long MIN_SEGMENT_BYTES = 4 * 1024;

        public Settings {
            if (segmentBytes < MIN_SEGMENT_BYTES) {
                throw new IllegalArgumentException("journal segmentBytes must be at least " + MIN_SEGMENT_BYTES
                        + " (4 KiB), was " + segmentBytes);
            }
        }

        /** 64 MiB segments. */
        public static Settings defaults() {
            return new Settings(64L * 1024 * 1024);
        }
    }

    /** Segments on disk, their total bytes, and the first sequence still on disk. */
    public record Stats(int segments, long bytes, long firstSequence) {
    }

    /** Receives replayed entries. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long sequence, byte[] payload) throws JournalException;

        /**
         * As {@link #accept(long, byte[])}, also told where the entry's frame is: the segment
         * (its first sequence) and the frame's offset in it, as {@link SegmentReader#read} takes them.
         */
        default void accept(long sequence, long segment, long offset, byte[] payload) throws JournalException {
            accept(sequence, payload);
        }
    }

    /** Opens the channels of segment files; a test seam for failing disks. */
    @FunctionalInterface
    public interface ChannelOpener {
        FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;
    }

    private final Path dir;
    private final Settings settings;
    private final ChannelOpener opener;
    private final ExecutorService spareMaker;
    /** The spare being made or made (true when it is ready); null when none is asked for. */
    private Future<Boolean> spare;
    /** A spare was asked for (or declined, the disk being short) since the current segment began. */
    private boolean spareAsked;

    /** First sequence of every segment on disk (and of one being created) → its bytes once sealed. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();

    private FileChannel channel;
    private long currentFirst;
    private volatile long writePosition;
    private FileChannel lockFile;
    private FileLock lock;
    /** The current segment's length: its frames, then zeros laid down ahead of them. */
    private long allocated;
    private boolean unforced;
    private volatile long nextSequence;

    private long committedFirst;
    private long committedOffset;
    private volatile long committedSequence;

    private volatile JournalException failure;
    private boolean closed;

    private volatile int statSegments;
    private volatile long statSealedBytes;
    private volatile long statFirstSequence;

    // The writer's scratch, reused by every append.
    private final CRC32C crc = new CRC32C();
    private final byte[] sequenceScratch = new byte[8];
    /** Where appended frames are laid out before they are written (allocated on first append). */
    private ByteBuffer staging;
    /** The name of the thread that makes spare segments, when it starts. */
    private volatile String spareThreadName = "journal-spare";

    private Journal(Path dir, Settings settings, ChannelOpener opener) {
        this.dir = dir;
        this.settings = settings;
        this.opener = opener;
        this.spareMaker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, spareThreadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens the journal in {@code dir}, creating the directory if missing, and recovers it. */
    public static Journal open(Path dir, Settings settings) throws JournalException {
        return open(dir, settings, FileChannel::open);
    }

    /** As {@link #open(Path, Settings)}, with every segment channel coming from {@code opener}. */
    public static Journal open(Path dir, Settings settings, ChannelOpener opener) throws JournalException {
        return open(dir, settings, opener, 1);
    }

    /**
     * As {@link #open(Path, Settings, ChannelOpener)}, checking frame by frame only the segments
     * that hold entries from {@code verifyFrom} on: older ones (which the caller has indexed, and
     * whose frames {@link SegmentReader} checks on every read) get their header checked.
     */
    public static Journal open(Path dir, Settings settings, ChannelOpener opener, long verifyFrom)
            throws JournalException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(opener, "opener");
        Path absolute = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(absolute)) {
                Files.createDirectories(absolute);
                forceDirectory(absolute.getParent());
            }
        } catch (IOException e) {
            throw new JournalException("cannot create journal directory " + absolute + ": " + describe(e), e);
        }
        Journal journal = new Journal(absolute, settings, opener);
        journal.lock();
        try {
            Files.deleteIfExists(journal.spareFile());
            journal.recoverOrCreate(verifyFrom);
        } catch (JournalException | IOException e) {
            closeQuietly(journal.channel);
            journal.spareMaker.shutdownNow();
            journal.unlock();
            throw e instanceof JournalException j ? j : new JournalException("cannot delete the spare segment "
                    + journal.spareFile() + ": " + describe(e), e);
        }
        return journal;
    }

    /**
     * Takes the lock file {@value #LOCK_FILE} in the directory for this journal: one process (and
     * one journal object in it) owns the directory while open.
     *
     * @throws JournalInUseException when another process or journal holds it
     */
    private void lock() throws JournalException {
        Path file = dir.resolve(LOCK_FILE);
        try {
            lockFile = FileChannel.open(file, CREATE_LOCK);
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            }
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new JournalException("cannot lock the journal with " + file + ": " + describe(e), e);
        }
        if (lock == null) {
            closeQuietly(lockFile);
            throw new JournalInUseException(dir);
        }
    }

    private void unlock() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.warn("releasing the lock of journal {} failed: {}", dir, describe(e));
        }
        closeQuietly(lockFile);
    }

    /**
     * Lets go of the files as a process that dies does: no rollback, no trimming, the lock
     * released. For tests that reopen a journal as it was at a crash.
     */
    void abandon() {
        closed = true;
        closeQuietly(channel);
        channel = null;
        stopSpareMaker();
        unlock();
    }

    /** The sequence the next appended entry gets. */
    public long nextSequence() {
        return nextSequence;
    }

    /** Names the thread that makes spare segments (from its next start; it starts on first use). */
    public void nameThreads(String spareThread) {
        spareThreadName = spareThread;
    }

    /** The last committed sequence, 0 when none. */
    public long committedSequence() {
        return committedSequence;
    }

    /** Whether a failed append, commit or rollback left the journal refusing appends until {@link #rollback}. */
    public boolean isFailed() {
        return failure != null;
    }

    /**
     * Writes the entries as frames after the last one, with one write call (one per MiB of frames),
     * and returns the
     * sequence of the first (an empty list writes nothing and returns {@link #nextSequence}). They
     * are not acknowledged until {@link #commit}. A payload above {@link #MAX_PAYLOAD_BYTES} is
     * refused before anything is written (the journal stays healthy). A failed write leaves the
     * journal failed.
     */
    public long append(List<byte[]> payloads) throws JournalException {
        return append(payloads, null);
    }

    /**
     * As {@link #append(List)}, and when {@code offsets} is not null, puts there where each entry's
     * frame begins: {@code offsets[i]} in segment {@link #segmentOf}{@code (first sequence)}, all
     * entries of one append being in one segment. With {@link SegmentReader} they are read back.
     */
    public long append(List<byte[]> payloads, long[] offsets) throws JournalException {
        checkWritable();
        int count = payloads.size();
        if (count == 0) {
            return nextSequence;
        }
        long bytes = 0;
        for (int i = 0; i < count; i++) {
            byte[] payload = Objects.requireNonNull(payloads.get(i), "payload");
            if (payload.length > MAX_PAYLOAD_BYTES) {
                throw new JournalException("entry " + i + " of " + count + " has " + payload.length
                        + " bytes, more than the journal's limit of " + MAX_PAYLOAD_BYTES
                        + " bytes (64 MiB); nothing was appended to " + dir);
            }
            bytes += FRAME_HEADER_BYTES + payload.length;
        }
        long first = nextSequence;
        if (writePosition >= settings.segmentBytes()) {
            roll(first);
        }
        if (staging == null) {
            staging = ByteBuffer.allocateDirect(STAGING_BYTES);
        }
        long frameAt = writePosition;
        unforced = true;
        try {
            preallocate(writePosition + bytes);
            staging.clear();
            for (int i = 0; i < count; i++) {
                byte[] payload = payloads.get(i);
                if (offsets != null) {
                    offsets[i] = frameAt;
                }
                frameAt += FRAME_HEADER_BYTES + payload.length;
                if (staging.remaining() < FRAME_HEADER_BYTES) {
                    flushStaging();
                }
                staging.putInt(payload.length)
                        .putInt(FrameReader.crc(crc, sequenceScratch, first + i, payload))
                        .putLong(first + i);
                for (int at = 0; at < payload.length; ) {
                    if (!staging.hasRemaining()) {
                        flushStaging();
                    }
                    int piece = Math.min(staging.remaining(), payload.length - at);
                    staging.put(payload, at, piece);
                    at += piece;
                }
            }
            flushStaging();
        } catch (IOException | RuntimeException | Error e) {
            throw fail("appending " + count + " entries (sequences " + first + ".." + (first + count - 1) + ") to "
                    + segmentPath(currentFirst) + " at offset " + writePosition + " failed: " + describe(e), e);
        }
        writePosition += bytes;
        nextSequence = first + count;
        if (!spareAsked && writePosition > settings.segmentBytes() / 2) {
            prepareSpare();
        }
        return first;
    }

    /**
     * Acknowledges everything appended so far. With {@code force}, first forces the segment to the
     * device ({@code FileChannel.force(false)}, an {@code fdatasync}): after it returns the entries
     * survive a crash; without, they survive a process kill. A failure leaves the journal failed.
     */
    public void commit(boolean force) throws JournalException {
        checkWritable();
        if (force && unforced) {
            try {
                channel.force(false);
            } catch (IOException | RuntimeException | Error e) {
                throw fail("forcing journal segment " + segmentPath(currentFirst) + " to the device (up to offset "
                        + writePosition + ") failed: " + describe(e), e);
            }
            unforced = false;
        }
        committedFirst = currentFirst;
        committedOffset = writePosition;
        committedSequence = nextSequence - 1;
    }

    /**
     * Undoes everything appended since the last commit, and clears a failure: deletes the segments
     * created since (newest first), cuts the segment holding the last committed entry back to the
     * end of that entry and forces it. The next append continues right after the committed entries
     * and a replay never shows the undone ones. If this fails too, the journal stays (or becomes)
     * failed and rollback may be tried again.
     */
    public void rollback() throws JournalException {
        checkOpen();
        if (failure == null && currentFirst == committedFirst && writePosition == committedOffset) {
            return;
        }
        closeQuietly(channel);
        channel = null;
        Path committedFile = segmentPath(committedFirst);
        FileChannel reopened = null;
        try {
            deleteSegmentsAfter(committedFirst);
            reopened = opener.open(committedFile, READ_WRITE);
            long size = reopened.size();
            if (size < committedOffset) {
                throw new IOException("the file has " + size + " bytes but committed entries end at offset "
                        + committedOffset + "; committed entries are missing, restore the file");
            }
            reopened.truncate(committedOffset);
            reopened.force(true);
            reopened.position(committedOffset);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(reopened);
            JournalException original = failure;
            String message = "rolling back journal segment " + committedFile + " to offset " + committedOffset
                    + " (after sequence " + committedSequence + ") failed: " + describe(e);
            if (original == null) {
                throw fail(message, e);
            }
            if (e instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new JournalException(message + "; the journal stays failed since: " + original.getMessage(), e);
        }
        segments.put(committedFirst, 0L);
        channel = reopened;
        currentFirst = committedFirst;
        writePosition = committedOffset;
        allocated = committedOffset;
        nextSequence = committedSequence + 1;
        unforced = false;
        failure = null;
        refreshStats();
    }

    /**
     * Calls {@code consumer} with every committed entry whose sequence is at least {@code from}, in
     * order, reading and checking the files. Refuses when some of those entries were released.
     */
    public void replay(long from, EntryConsumer consumer) throws JournalException {
        checkOpen();
        long start = Math.max(from, 1);
        long last = committedSequence;
        if (start > last) {
            return;
        }
        long firstOnDisk = segments.firstKey();
        if (start < firstOnDisk) {
            throw new JournalException("cannot replay journal " + dir + " from sequence " + start
                    + ": the entries before " + firstOnDisk + " were released (their segments are deleted)");
        }
        long expected = segments.floorKey(start);
        List<Long> firsts = new ArrayList<>(segments.tailMap(expected, true).keySet());
        for (long first : firsts) {
            if (expected > last) {
                return;
            }
            Path file = segmentPath(first);
            if (first != expected) {
                throw new JournalException("journal segment " + file + " starts at sequence " + first
                        + " but the segment before it ends at " + (expected - 1));
            }
            try (FileChannel read = opener.open(file, READ_ONLY)) {
                FrameReader reader = new FrameReader(file, read);
                String problem = reader.headerProblem(first);
                if (problem != null) {
                    throw new JournalException("journal segment " + file + ", offset 0: " + problem);
                }
                long at = reader.offset();
                while (expected <= last && reader.next(expected)) {
                    if (expected >= start) {
                        consumer.accept(expected, first, at, reader.payload());
                    }
                    at = reader.offset();
                    expected++;
                }
                if (expected <= last && reader.problem() != null) {
                    throw new JournalException("journal segment " + file + ", offset " + reader.offset()
                            + ": " + reader.problem() + " (a committed entry is damaged)");
                }
            } catch (IOException e) {
                throw new JournalException("reading journal segment " + file + " failed: " + describe(e), e);
            }
        }
        if (expected <= last) {
            throw new JournalException("journal " + dir + " ends at sequence " + (expected - 1)
                    + " but entries up to " + last + " were committed");
        }
    }

    /**
     * Deletes, oldest first, whole segment files all of whose entries have a sequence at most
     * {@code through} (and are committed); never the segment being written nor the one holding the
     * last committed entry. Returns how many files it deleted.
     */
    public int release(long through) throws JournalException {
        checkOpen();
        long limit = Math.min(through, committedSequence);
        int deleted = 0;
        try {
            while (segments.size() > 1) {
                long first = segments.firstKey();
                long last = segments.higherKey(first) - 1;
                // The segment holding the last committed entry is kept: a rollback cuts back to it, and
                // it or a later one is the segment being written.
                if (first >= committedFirst || last > limit) {
                    break;
                }
                Path file = segmentPath(first);
                try {
                    Files.deleteIfExists(file);
                    forceDirectory(dir);
                } catch (IOException e) {
                    throw new JournalException("deleting released journal segment " + file + " (sequences " + first
                            + ".." + last + ") failed: " + describe(e), e);
                }
                segments.remove(first);
                deleted++;
            }
        } finally {
            if (deleted > 0) {
                refreshStats();
            }
        }
        return deleted;
    }

    /**
     * The segment (its first sequence, the number in its file name) holding entry {@code sequence},
     * which must be appended and not released.
     */
    public long segmentOf(long sequence) {
        Long first = segments.floorKey(sequence);
        if (first == null || sequence >= nextSequence) {
            throw new IllegalArgumentException("entry " + sequence + " is not in journal " + dir);
        }
        return first;
    }

    /** Where the next frame goes in the current segment (its file may be longer: zeros laid down ahead). */
    long writtenEnd() {
        return writePosition;
    }

    /** Segments on disk, their total bytes (appended but uncommitted ones included), the first sequence on disk. */
    public Stats stats() {
        return new Stats(statSegments, statSealedBytes + writePosition, statFirstSequence);
    }

    /**
     * Closes the journal. Entries appended but not committed are rolled back first (a failure to
     * do so is logged: they are then undecided, as after a crash).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (failure != null || currentFirst != committedFirst || writePosition != committedOffset) {
            try {
                rollback();
            } catch (JournalException e) {
                LOG.warn("Closing journal {} without rolling back its uncommitted entries: {}", dir, e.getMessage());
            }
        }
        if (failure == null && channel != null && allocated > writePosition) {
            try {
                channel.truncate(writePosition); // at rest, a segment ends with its last frame
            } catch (IOException e) {
                LOG.warn("Closing journal {} with zeros after its last frame (recovery cuts them off): {}", dir,
                        describe(e));
            }
        }
        closed = true;
        closeQuietly(channel);
        channel = null;
        stopSpareMaker();
        unlock();
    }

    // ---- opening ----

    private void recoverOrCreate(long verifyFrom) throws JournalException {
        Recovery.Recovered recovered = Recovery.recover(dir, opener, verifyFrom);
        segments.putAll(recovered.segments());
        if (recovered.last() == null) {
            segments.put(1L, 0L);
            try {
                channel = createSegment(1);
            } catch (IOException e) {
                throw new JournalException("creating the first journal segment " + segmentPath(1) + " failed: "
                        + describe(e), e);
            }
            start(1, HEADER_BYTES, 1);
        } else {
            channel = recovered.last();
            start(recovered.lastFirst(), recovered.end(), recovered.nextSequence());
        }
    }

    private void start(long first, long end, long next) {
        currentFirst = first;
        writePosition = end;
        allocated = end;
        nextSequence = next;
        committedFirst = first;
        committedOffset = end;
        committedSequence = next - 1;
        refreshStats();
    }

    // ---- writing ----

    /** Seals the current segment (forcing what it holds) and starts a new one at {@code first}. */
    private void roll(long first) throws JournalException {
        Path file = segmentPath(first);
        try {
            boolean trim = allocated > writePosition;
            if (trim) {
                channel.truncate(writePosition); // a sealed segment ends with its last frame
            }
            if (unforced || trim) {
                channel.force(trim);
                unforced = false;
            }
            segments.put(first, 0L);
            long nextAllocated = HEADER_BYTES;
            FileChannel next = takeSpare(first);
            if (next != null) {
                nextAllocated = next.size();
            } else {
                next = createSegment(first);
            }
            closeQuietly(channel);
            segments.put(currentFirst, writePosition);
            channel = next;
            currentFirst = first;
            writePosition = HEADER_BYTES;
            allocated = nextAllocated;
            spareAsked = false;
        } catch (IOException | RuntimeException | Error e) {
            throw fail("rolling journal " + dir + " over to new segment " + file + " failed: " + describe(e), e);
        } finally {
            refreshStats();
        }
    }

    /**
     * Lays zeros down ahead of the frames, {@value #PREALLOCATE_BYTES} bytes at a time, so that the
     * file already has its length and its blocks when frames are written over them: forcing a write
     * that grows a file also forces its metadata (several device writes, milliseconds each), while
     * forcing one that overwrites existing blocks is a single write. Readers stop at a zero frame
     * header; recovery cuts the zeros off the last segment, and a sealed segment has none.
     */
    private void preallocate(long needed) throws IOException {
        if (needed <= allocated) {
            return;
        }
        long target = Math.max(needed, allocated + PREALLOCATE_BYTES);
        long at = allocated;
        while (at < target) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), target - at));
            at += channel.write(zeros, at);
        }
        allocated = target;
    }

    private Path spareFile() {
        return dir.resolve(SPARE_FILE);
    }

    /** The bytes of a spare: a segment's, and room for the append that passes its end (up to 4 MiB). */
    private long spareBytes() {
        return settings.segmentBytes() + Math.min(PREALLOCATE_BYTES, settings.segmentBytes());
    }

    /** Asks the journal's thread for a spare, unless one is asked for already or the disk is short of room. */
    private void prepareSpare() {
        spareAsked = true; // once per segment: the disk's free space is not asked on every append
        if (spare != null || closed) {
            return;
        }
        try {
            if (Files.getFileStore(dir).getUsableSpace() < 2 * spareBytes()) {
                return;
            }
            spare = spareMaker.submit(this::makeSpare);
        } catch (IOException | RejectedExecutionException e) {
            spare = null;
        }
    }

    /** On the journal's thread: zeros of {@link #spareBytes}, forced; false (and no file) when that failed. */
    private boolean makeSpare() {
        Path file = spareFile();
        try (FileChannel made = opener.open(file, Set.of(CREATE_NEW, WRITE))) {
            long at = 0;
            long forced = 0;
            long size = spareBytes();
            while (at < size) {
                ByteBuffer zeros = ZEROS.duplicate();
                zeros.limit((int) Math.min(zeros.capacity(), size - at));
                at += made.write(zeros, at);
                if (at - forced >= SPARE_FORCE_BYTES && at < size) {
                    made.force(false);
                    forced = at;
                }
            }
            made.force(true);
            return true;
        } catch (IOException | RuntimeException e) {
            deleteSpareQuietly();
            LOG.debug("no spare segment in {}: {}", dir, describe(e));
            return false;
        }
    }

    /**
     * The spare as segment {@code first}: its header written and forced, renamed to the segment's
     * name, the directory forced; null when no spare is ready, or taking it failed (the caller then
     * creates the segment as without a spare).
     */
    private FileChannel takeSpare(long first) {
        Future<Boolean> ready = spare;
        spare = null;
        if (ready == null) {
            return null;
        }
        if (!ready.isDone()) {
            ready.cancel(true);
            awaitSpareMaker();
            deleteSpareQuietly();
            return null;
        }
        try {
            if (!Boolean.TRUE.equals(ready.get())) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | CancellationException e) {
            deleteSpareQuietly();
            return null;
        }
        FileChannel taken = null;
        try {
            taken = opener.open(spareFile(), READ_WRITE);
            writeFully(taken, SegmentFormat.header(first), 0);
            taken.force(false);
            Files.move(spareFile(), segmentPath(first), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
            taken.position(HEADER_BYTES);
            return taken;
        } catch (IOException | RuntimeException e) {
            closeQuietly(taken);
            deleteSpareQuietly();
            LOG.debug("the spare segment in {} could not be taken: {}", dir, describe(e));
            return null;
        }
    }

    private void deleteSpareQuietly() {
        try {
            Files.deleteIfExists(spareFile());
        } catch (IOException e) {
            LOG.debug("deleting the spare segment in {} failed: {}", dir, describe(e));
        }
    }

    /** Waits a little for the journal's thread to be done with a cancelled spare. */
    private void awaitSpareMaker() {
        try {
            spareMaker.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.debug("the spare segment maker of {} did not settle: {}", dir, describe(e));
        }
    }

    private void stopSpareMaker() {
        if (spare != null) {
            spare.cancel(true);
            spare = null;
        }
        spareMaker.shutdownNow();
        try {
            if (!spareMaker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the spare segment maker of journal {} did not stop", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteSpareQuietly();
    }

    /** Creates a segment holding just its header, forced, with its name forced into the directory. */
    private FileChannel createSegment(long first) throws IOException {
        FileChannel created = opener.open(segmentPath(first), CREATE);
        try {
            writeFully(created, SegmentFormat.header(first), 0);
            created.position(HEADER_BYTES);
            created.force(true);
            forceDirectory(dir);
            return created;
        } catch (IOException e) {
            closeQuietly(created);
            throw e;
        }
    }

    /** Deletes, newest first, every segment after {@code first}, then forces the directory. */
    private void deleteSegmentsAfter(long first) throws IOException {
        List<Long> after = new ArrayList<>(segments.tailMap(first, false).descendingKeySet());
        for (long later : after) {
            Files.deleteIfExists(segmentPath(later));
            segments.remove(later);
        }
        if (!after.isEmpty()) {
            forceDirectory(dir);
            refreshStats();
        }
    }

    /** Writes what {@link #staging} holds at the channel's position, and empties it. */
    private void flushStaging() throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            channel.write(staging);
        }
        staging.clear();
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    // ---- state ----

    /**
     * Marks the journal failed: bytes of unknown fate may follow the committed ones, so nothing is
     * appended before a rollback. Returns the exception to throw for an I/O failure; an unchecked
     * exception or error (an interrupted channel, no direct memory) is thrown on as it is.
     */
    private JournalException fail(String message, Throwable cause) {
        JournalException failed = new JournalException(message, cause);
        failure = failed;
        if (cause instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return failed;
    }

    private void checkOpen() throws JournalException {
        if (closed) {
            throw new JournalException("journal " + dir + " is closed");
        }
    }

    private void checkWritable() throws JournalException {
        checkOpen();
        JournalException failed = failure;
        if (failed != null) {
            throw new JournalException("journal " + dir + " is failed and takes nothing before rollback() succeeds;"
                    + " it failed because " + failed.getMessage(), failed);
        }
    }

    private void refreshStats() {
        long sealed = 0;
        for (var entry : segments.entrySet()) {
            if (entry.getKey() != currentFirst) {
                sealed += entry.getValue();
            }
        }
        statSealedBytes = sealed;
        statSegments = segments.size();
        statFirstSequence = segments.isEmpty() ? nextSequence : segments.firstKey();
    }

    private Path segmentPath(long first) {
        return dir.resolve(SegmentFormat.fileName(first));
    }

    private static void forceDirectory(Path directory) throws IOException {
        if (directory == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, READ)) {
            channel.force(true);
        }
    }

    static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a journal segment failed: {}", e.getMessage());
        }
    }

    static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
