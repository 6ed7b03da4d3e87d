package org.xroadng.securityserver.log;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * Which records carry a query id, for the embedded (H2) message log: sorted files of (hash of the
 * query id, record id) pairs, each over a range of record ids, in place of an H2 index on
 * {@code message_record.query_id}.
 *
 * <p><b>Why files.</b> Query ids are random, so every insert into a B-tree on them lands on a
 * different page, and H2's store rewrites each page it changed: that index alone cost about a
 * quarter of a logged exchange's CPU. Here rows are indexed in bulk, in record id order, long after
 * their exchange was answered: {@link #seal} (the writing process, in the background) turns each
 * {@value #CHUNK} new rows into a level-0 file, and merges {@value #FAN_IN} consecutive files of a
 * level into one of the next, up to level {@value #MAX_LEVEL}, so a lookup reads a few dozen files
 * even after years.
 *
 * <p><b>Always complete.</b> The files are a derived cache of the table, never the truth: a lookup
 * ({@link #lookup}) reports which id ranges the readable files cover, and the caller scans the rest
 * of the table by primary key range (the newest rows, not yet sealed, and any range whose file is
 * missing or damaged). A hash match is only a candidate: the caller reads the row and compares its
 * query id. So a lost, torn or stale file makes a lookup slower, never wrong; {@link #seal} deletes
 * damaged files and writes their ranges again.
 *
 * <p><b>Of this table only.</b> Each file names the record hash of its last row: the hash chain
 * covers every earlier record and its query id, so a file is trusted only while the table holds
 * that hash at that id. Files left from another history (a log started afresh beside an old index
 * directory) are not trusted, and {@link #seal} deletes them.
 *
 * <p><b>File format</b> ({@code q<level>-<first>-<last>.idx}): a 64-byte header (magic
 * {@code XQI1}, level, first and last record id, entry count, the last record's hash), the entries
 * sorted by hash then id (two big-endian longs each), and a CRC32C of all of it. Files are written beside, forced and
 * renamed into place; a merge writes the merged file before it deletes its inputs, and a lookup
 * that sees both uses the larger.
 *
 * <p><b>Threads and processes.</b> Lookups may run on any thread and in other processes (an
 * operator's tool reading the log while its server runs); only the process writing the log calls
 * {@link #seal}, from one thread at a time.
 */
final class QueryIndex {

    private static final Logger LOG = LoggerFactory.getLogger(QueryIndex.class);

    /** Rows per level-0 file. */
    static final int CHUNK = 16_384;
    /** Files of one level merged into one file of the next. */
    static final int FAN_IN = 16;
    /** The highest level a merge makes: files of up to {@code CHUNK * FAN_IN^3} (67 million) rows, 1 GiB. */
    static final int MAX_LEVEL = 3;

    private static final int MAGIC = 0x58514931; // "XQI1"
    private static final int HEADER_BYTES = 64;
    private static final int HASH_BYTES = 32;
    private static final int ENTRY_BYTES = 16;
    private static final int CRC_BYTES = 4;
    private static final Pattern NAME = Pattern.compile("q(\\d)-(\\d{1,19})-(\\d{1,19})\\.idx");
    private static final String TEMPORARY_SUFFIX = ".tmp";
    /** Rows read for sealing per query. */
    private static final int READ_BATCH = 4096;

    private final Path dir;
    private final int chunk;
    /** Files this process has checked (header and CRC), by name and length. */
    private final Map<String, IndexFile> checked = new ConcurrentHashMap<>();

    /** An id range [first, last] of the table. */
    record Range(long first, long last) {
        Range {
            if (first > last) {
                throw new IllegalArgumentException("empty range " + first + ".." + last);
            }
        }
    }

    /** The ids one file covers, and the record hash its last row had when it was written. */
    record Span(Range range, byte[] lastHash) {
        Span {
            Objects.requireNonNull(range, "range");
            lastHash = lastHash.clone();
        }

        @Override
        public byte[] lastHash() {
            return lastHash.clone();
        }
    }

    /**
     * What the files say about one query id.
     *
     * @param candidates ids of rows whose query id has the same hash (most are the query's rows)
     * @param spans      what the files read cover, ascending and disjoint: a row of the query in
     *                   one of them is among the candidates, if the table still holds the span's
     *                   last hash ({@link #trusted})
     */
    record Lookup(long[] candidates, List<Span> spans) {
        Lookup {
            candidates = candidates.clone();
            spans = List.copyOf(spans);
        }

        @Override
        public long[] candidates() {
            return candidates.clone();
        }

        /** The id ranges the spans cover, ascending. */
        List<Range> covered() {
            return spans.stream().map(Span::range).toList();
        }

        /** This lookup with only the spans {@code trust} accepts. */
        Lookup trusted(Predicate<Span> trust) {
            return new Lookup(candidates, spans.stream().filter(trust).toList());
        }

        /** The parts of [{@code min}, {@code max}] no span covers, ascending. */
        List<Range> uncovered(long min, long max) {
            List<Range> gaps = new ArrayList<>();
            long next = min;
            for (Range range : covered()) {
                if (range.last() < next) {
                    continue;
                }
                if (range.first() > max) {
                    break;
                }
                if (range.first() > next) {
                    gaps.add(new Range(next, range.first() - 1));
                }
                next = range.last() + 1;
            }
            if (next <= max) {
                gaps.add(new Range(next, max));
            }
            return gaps;
        }
    }

    /** One checked index file. */
    private record IndexFile(Path path, int level, long first, long last, long count, byte[] lastHash) {
        Range range() {
            return new Range(first, last);
        }

        Span span() {
            return new Span(range(), lastHash);
        }

        long length() {
            return HEADER_BYTES + count * ENTRY_BYTES + CRC_BYTES;
        }
    }

    /** One index entry. */
    private record Entry(long hash, long id) {
        static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::hash).thenComparingLong(Entry::id);
    }

    /** @param chunk rows per level-0 file ({@link #CHUNK}; fewer in tests) */
    QueryIndex(Path dir, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be positive, was " + chunk);
        }
        this.dir = dir;
        this.chunk = chunk;
    }

    /** The index of the log whose journal is {@code journalDir}: a directory beside it. */
    static QueryIndex besideJournal(Path journalDir) {
        return new QueryIndex(journalDir.resolveSibling(journalDir.getFileName() + "-query-index"), CHUNK);
    }

    Path dir() {
        return dir;
    }

    /** The 64-bit key of a query id: the first eight bytes of its SHA-256. */
    static long hash(String queryId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(queryId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The candidates for {@code queryId} in the readable files, and the ranges they cover. Never
     * fails: a file that cannot be read (deleted by a merge meanwhile, damaged) is left out, and
     * its range is then not covered.
     */
    Lookup lookup(String queryId) {
        long hash = hash(queryId);
        List<Long> candidates = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (IndexFile file : usable(false)) {
            List<Long> found = new ArrayList<>();
            try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
                search(channel, file.count(), hash, found);
            } catch (IOException e) {
                LOG.debug("query index file {} not read: {}", file.path(), e.toString());
                continue;
            }
            candidates.addAll(found);
            spans.add(file.span());
        }
        return new Lookup(candidates.stream().mapToLong(Long::longValue).toArray(), spans);
    }

    /** Adds the ids of the entries with {@code hash} to {@code found}: a binary search, then a walk. */
    private static void search(FileChannel channel, long count, long hash, List<Long> found) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_BYTES);
        long low = 0;
        long high = count;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (read(channel, middle, entry).hash() < hash) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        for (long i = low; i < count; i++) {
            Entry e = read(channel, i, entry);
            if (e.hash() != hash) {
                break;
            }
            found.add(e.id());
        }
    }

    private static Entry read(FileChannel channel, long index, ByteBuffer buffer) throws IOException {
        buffer.clear();
        long position = HEADER_BYTES + index * ENTRY_BYTES;
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("index file ends before entry " + index);
            }
        }
        buffer.flip();
        return new Entry(buffer.getLong(), buffer.getLong());
    }

    /**
     * Brings the files up to the table, in the writing process: deletes damaged and leftover
     * files, those wholly below the oldest row (archived away) and those of another history (the
     * table holds another hash at their last id), indexes every uncovered range
     * below the newest chunk of rows (at most {@code maxChunks} files' worth per call, so a
     * large log written before this index is caught up over several calls), then merges.
     *
     * @return the level-0 files written
     * @throws IOException when a file cannot be written or deleted (what was done stays valid)
     */
    int seal(Database db, int maxChunks) throws IOException {
        Files.createDirectories(dir);
        deleteTemporaries();
        Optional<Range> ids = db.inTransaction(RecordTable::ids);
        List<IndexFile> files = usable(true);
        if (ids.isEmpty()) {
            return 0;
        }
        long min = ids.get().first();
        long max = ids.get().last();
        List<Span> kept = new ArrayList<>();
        for (IndexFile file : files) {
            if (file.last() < min) {
                delete(file);
            } else if (!holds(db, file.span())) {
                LOG.warn("query index file {} was written for another history of the message log (the table holds"
                        + " another record at id {}); it is deleted and the rows indexed again", file.path(), file.last());
                delete(file);
            } else {
                kept.add(file.span());
            }
        }
        List<Range> gaps = new Lookup(new long[0], kept).uncovered(min, max);
        int written = 0;
        for (Range gap : gaps) {
            boolean tail = gap.last() == max;
            long from = gap.first();
            while (written < maxChunks && from <= gap.last()) {
                List<Entry> entries = rows(db, from, gap.last(), chunk);
                if (entries.isEmpty() || (tail && entries.size() < chunk)) {
                    break; // no rows (scanning finds none at once), or the newest: scanned until a chunk is whole
                }
                long last = entries.get(entries.size() - 1).id();
                byte[] lastHash = db.inTransaction(c -> Jdbc.queryOne(c,
                        "SELECT record_hash FROM message_record WHERE id = ?", r -> r.getBytes(1), last))
                        .orElseThrow(() -> new IOException("record " + last + " left the table while it was indexed"));
                write(0, from, last, entries, lastHash);
                written++;
                from = last + 1;
            }
        }
        merge();
        return written;
    }

    /** Whether the table still holds, at the span's last id, the record hash it was written with. */
    static boolean holds(Database db, Span span) {
        return db.inTransaction(c -> Jdbc.queryOne(c, "SELECT record_hash FROM message_record WHERE id = ?",
                        r -> r.getBytes(1), span.range().last()))
                .map(hash -> MessageDigest.isEqual(hash, span.lastHash())).orElse(false);
    }

    /** Up to {@code chunk} rows' entries from id {@code from} to {@code last}, in id order. */
    private static List<Entry> rows(Database db, long from, long last, int chunk) {
        List<Entry> entries = new ArrayList<>(Math.min(chunk, READ_BATCH));
        long next = from;
        while (entries.size() < chunk && next <= last) {
            long after = next;
            List<Entry> batch = db.inTransaction(c -> Jdbc.query(c, "SELECT id, query_id FROM message_record"
                            + " WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?",
                    r -> new Entry(hash(r.getString(2)), r.getLong(1)), after, last,
                    Math.min(READ_BATCH, chunk - entries.size())));
            if (batch.isEmpty()) {
                break;
            }
            entries.addAll(batch);
            next = batch.get(batch.size() - 1).id() + 1;
        }
        return entries;
    }

    /** Merges runs of {@value #FAN_IN} consecutive files of one level, lowest levels first. */
    private void merge() throws IOException {
        for (int level = 0; level < MAX_LEVEL; level++) {
            while (true) {
                List<IndexFile> files = usable(true);
                List<IndexFile> run = run(files, level);
                if (run.isEmpty()) {
                    break;
                }
                mergeRun(level + 1, run);
            }
        }
    }

    /** The oldest {@value #FAN_IN} files of {@code level} that follow each other with no other file between. */
    private static List<IndexFile> run(List<IndexFile> files, int level) {
        List<IndexFile> run = new ArrayList<>();
        for (IndexFile file : files) {
            boolean follows = run.isEmpty() || run.get(run.size() - 1).last() + 1 == file.first();
            if (file.level() != level || !follows) {
                run.clear();
            }
            if (file.level() == level) {
                run.add(file);
                if (run.size() == FAN_IN) {
                    return run;
                }
            }
        }
        return List.of();
    }

    private void mergeRun(int level, List<IndexFile> run) throws IOException {
        long count = run.stream().mapToLong(IndexFile::count).sum();
        long first = run.get(0).first();
        long last = run.get(run.size() - 1).last();
        List<DataInputStream> inputs = new ArrayList<>(run.size());
        try {
            PriorityQueue<Cursor> heads = new PriorityQueue<>(Comparator.comparing(Cursor::head, Entry.ORDER));
            for (IndexFile file : run) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16));
                inputs.add(in);
                in.skipNBytes(HEADER_BYTES);
                Cursor cursor = new Cursor(in, file.count());
                if (cursor.advance()) {
                    heads.add(cursor);
                }
            }
            writeFile(level, first, last, count, run.get(run.size() - 1).lastHash(), out -> {
                while (!heads.isEmpty()) {
                    Cursor cursor = heads.poll();
                    out.writeLong(cursor.head().hash());
                    out.writeLong(cursor.head().id());
                    if (cursor.advance()) {
                        heads.add(cursor);
                    }
                }
            });
        } finally {
            for (InputStream in : inputs) {
                in.close();
            }
        }
        for (IndexFile file : run) {
            delete(file);
        }
    }

    /** Reads one file's entries in order (their CRC was checked when the file was). */
    private static final class Cursor {
        private final DataInputStream in;
        private long left;
        private Entry head;

        Cursor(DataInputStream in, long count) {
            this.in = in;
            this.left = count;
        }

        Entry head() {
            return head;
        }

        boolean advance() throws IOException {
            if (left == 0) {
                return false;
            }
            left--;
            head = new Entry(in.readLong(), in.readLong());
            return true;
        }
    }

    private void write(int level, long first, long last, List<Entry> entries, byte[] lastHash) throws IOException {
        Entry[] sorted = entries.toArray(new Entry[0]);
        Arrays.sort(sorted, Entry.ORDER);
        writeFile(level, first, last, sorted.length, lastHash, out -> {
            for (Entry e : sorted) {
                out.writeLong(e.hash());
                out.writeLong(e.id());
            }
        });
    }

    @FunctionalInterface
    private interface Body {
        void writeTo(DataOutputStream out) throws IOException;
    }

    /** Writes a file beside its place, forces it and renames it into place. */
    private void writeFile(int level, long first, long last, long count, byte[] lastHash, Body body)
            throws IOException {
        if (lastHash.length != HASH_BYTES) {
            throw new IllegalArgumentException("a record hash has " + HASH_BYTES + " bytes, not " + lastHash.length);
        }
        Path target = dir.resolve(name(level, first, last));
        Path temporary = dir.resolve(target.getFileName() + TEMPORARY_SUFFIX);
        CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream checksummed = new OutputStream() {
                private final OutputStream file = java.nio.channels.Channels.newOutputStream(channel);

                @Override
                public void write(int b) throws IOException {
                    crc.update(b);
                    file.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    crc.update(b, off, len);
                    file.write(b, off, len);
                }
            };
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(checksummed, 1 << 16));
            out.writeInt(MAGIC);
            out.writeInt(level);
            out.writeLong(first);
            out.writeLong(last);
            out.writeLong(count);
            out.write(lastHash);
            body.writeTo(out);
            out.flush();
            ByteBuffer trailer = ByteBuffer.allocate(CRC_BYTES).putInt((int) crc.getValue()).flip();
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            if (channel.size() != HEADER_BYTES + count * ENTRY_BYTES + CRC_BYTES) {
                throw new IOException("index file " + temporary + " has " + channel.size() + " bytes, expected "
                        + (HEADER_BYTES + count * ENTRY_BYTES + CRC_BYTES));
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String name(int level, long first, long last) {
        return "q" + level + "-" + first + "-" + last + ".idx";
    }

    /**
     * The checked files, ascending by first id and disjoint: of overlapping files (a merge's
     * result and its inputs, after a crash between writing one and deleting the others) the
     * widest is used. With {@code owner} (the writing process) damaged and overlapped files are
     * deleted; otherwise they are only left out.
     */
    private List<IndexFile> usable(boolean owner) {
        List<IndexFile> all = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "q*.idx")) {
            for (Path path : listing) {
                Optional<IndexFile> file = checked(path);
                if (file.isPresent()) {
                    all.add(file.get());
                } else if (owner) {
                    LOG.warn("query index file {} is damaged; it is deleted and its rows indexed again", path);
                    deleteQuietly(path);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.debug("query index {} not listed: {}", dir, e.toString());
            return List.of();
        }
        all.sort(Comparator.comparingLong((IndexFile f) -> f.last() - f.first()).reversed());
        List<IndexFile> chosen = new ArrayList<>();
        for (IndexFile file : all) {
            boolean overlaps = chosen.stream().anyMatch(c -> c.first() <= file.last() && file.first() <= c.last());
            if (!overlaps) {
                chosen.add(file);
            } else if (owner) {
                deleteQuietly(file.path());
                checked.remove(file.path().getFileName().toString());
            }
        }
        chosen.sort(Comparator.comparingLong(IndexFile::first));
        return chosen;
    }

    /** The file at {@code path} if its name, header, length and CRC agree; checked once per process. */
    private Optional<IndexFile> checked(Path path) {
        String name = path.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        IndexFile known = checked.get(name);
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (known != null && known.length() == size) {
            return Optional.of(known);
        }
        try {
            int level = Integer.parseInt(m.group(1));
            long first = Long.parseLong(m.group(2));
            long last = Long.parseLong(m.group(3));
            if (size < HEADER_BYTES + CRC_BYTES || (size - HEADER_BYTES - CRC_BYTES) % ENTRY_BYTES != 0 || first > last) {
                return Optional.empty();
            }
            long count = (size - HEADER_BYTES - CRC_BYTES) / ENTRY_BYTES;
            CRC32C crc = new CRC32C();
            ByteBuffer header;
            int stored;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
                byte[] head = in.readNBytes(HEADER_BYTES);
                crc.update(head);
                header = ByteBuffer.wrap(head);
                byte[] buffer = new byte[1 << 16];
                long left = count * ENTRY_BYTES;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        return Optional.empty();
                    }
                    crc.update(buffer, 0, n);
                    left -= n;
                }
                stored = ByteBuffer.wrap(in.readNBytes(CRC_BYTES)).getInt();
            }
            boolean valid = header.getInt() == MAGIC && header.getInt() == level && header.getLong() == first
                    && header.getLong() == last && header.getLong() == count && stored == (int) crc.getValue();
            if (!valid) {
                return Optional.empty();
            }
            byte[] lastHash = new byte[HASH_BYTES];
            header.get(lastHash);
            IndexFile file = new IndexFile(path, level, first, last, count, lastHash);
            checked.put(name, file);
            return Optional.of(file);
        } catch (IOException | java.nio.BufferUnderflowException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void delete(IndexFile file) throws IOException {
        checked.remove(file.path().getFileName().toString());
        Files.deleteIfExists(file.path());
    }

    private void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("query index file {} could not be deleted: {}", path, e.toString());
        }
    }

    private void deleteTemporaries() throws IOException {
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + TEMPORARY_SUFFIX)) {
            for (Path path : listing) {
                Files.deleteIfExists(path);
            }
        }
    }
}
