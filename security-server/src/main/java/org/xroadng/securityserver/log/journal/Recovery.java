package org.xroadng.securityserver.log.journal;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.xroadng.securityserver.log.journal.SegmentFormat.HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a journal directory: checks every segment's header and frames in name order and that
 * each segment starts right after the one before. Segments that hold only entries before
 * {@code verifyFrom} (entries its owner has indexed, and that the frame CRC checks again on every
 * read) get their header checked only, so opening a journal that keeps months of entries does not
 * read them all; the first segment checked in full is then trusted to start where its name says.
 * Nor is a bad frame in the last segment cut off as torn when it holds an entry before
 * {@code verifyFrom}: that entry was committed. The last segment's first bad or incomplete frame
 * is a write torn by a crash: the file is cut there and forced (WARN). Anything else wrong is
 * refused with the file, the offset and what is wrong, and is left as it is for the operator.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /**
     * What is on disk after recovery.
     *
     * @param segments first sequence of every segment → its size (the last one's included)
     * @param last the last segment open for reading and writing, positioned at {@code end}; null
     *     when the directory holds no segment
     */
    record Recovered(TreeMap<Long, Long> segments, FileChannel last, long lastFirst, long end, long nextSequence) {
    }

    private final Path dir;
    private final Journal.ChannelOpener opener;
    private final long verifyFrom;

    private Recovery(Path dir, Journal.ChannelOpener opener, long verifyFrom) {
        this.dir = dir;
        this.opener = opener;
        this.verifyFrom = verifyFrom;
    }

    static Recovered recover(Path dir, Journal.ChannelOpener opener, long verifyFrom) throws JournalException {
        return new Recovery(dir, opener, verifyFrom).recover();
    }

    private Recovered recover() throws JournalException {
        List<Path> files = listSegments();
        TreeMap<Long, Long> segments = new TreeMap<>();
        long expected = -1;
        Path previous = null;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long first = SegmentFormat.parseName(file.getFileName().toString());
            if (previous != null && first != expected) {
                throw new JournalException("journal segment " + file + ", offset 0: it starts at sequence " + first
                        + " but the segment before it, " + previous + ", ends at sequence " + (expected - 1)
                        + (first > expected ? ": the segments holding " + expected + ".." + (first - 1)
                        + " are missing" : ": they overlap")
                        + ". The operator must restore the missing segments or move the files that do not belong");
            }
            FileChannel last = null;
            try {
                if (i == files.size() - 1) {
                    last = opener.open(file, Set.of(READ, WRITE));
                    FrameReader reader = recoverLast(file, first, last);
                    segments.put(first, reader.offset());
                    return new Recovered(segments, last, first, reader.offset(), first + reader.frames());
                }
                long nextFirst = SegmentFormat.parseName(files.get(i + 1).getFileName().toString());
                if (nextFirst <= verifyFrom) {
                    try (FileChannel read = opener.open(file, Set.of(READ))) {
                        FrameReader reader = checkedHeader(file, first, read);
                        segments.put(first, reader.size());
                    }
                    previous = null; // the next segment's start is taken from its name
                    continue;
                }
                try (FileChannel read = opener.open(file, Set.of(READ))) {
                    FrameReader reader = checkedHeader(file, first, read);
                    while (reader.next(first + reader.frames())) {
                        // checked frame by frame
                    }
                    if (reader.problem() != null) {
                        throw notRepaired(file, reader.offset(), reader.problem() + "; it is not the last segment,"
                                + " so this is not a write torn by a crash and is not repaired");
                    }
                    segments.put(first, reader.size());
                    expected = first + reader.frames();
                }
            } catch (IOException e) {
                Journal.closeQuietly(last);
                throw new JournalException("recovering journal segment " + file + " failed: "
                        + Journal.describe(e), e);
            } catch (JournalException | RuntimeException e) {
                Journal.closeQuietly(last);
                throw e;
            }
            previous = file;
        }
        return new Recovered(segments, null, 1, 0, 1);
    }

    /** Checks the last segment and cuts a torn tail; the reader stands at the end of its good frames. */
    private FrameReader recoverLast(Path file, long first, FileChannel last) throws IOException, JournalException {
        long size = last.size();
        if (size < HEADER_BYTES || size == HEADER_BYTES && headerIsZero(last)) {
            // Created, but the crash came before its header was on the device: it holds no entry.
            LOG.warn("Journal segment {} has an incomplete header ({} bytes); rewriting the header from its name"
                    + " (a segment creation torn by a crash, no entry lost)", file, size);
            last.truncate(0);
            Journal.writeFully(last, SegmentFormat.header(first), 0);
            last.force(true);
        }
        FrameReader reader = checkedHeader(file, first, last);
        while (reader.next(first + reader.frames())) {
            // checked frame by frame
        }
        long end = reader.offset();
        long bad = first + reader.frames();
        if (reader.problem() != null && bad < verifyFrom) {
            // The owner indexed this entry, so it was committed: damage, not a write cut short by a crash.
            throw notRepaired(file, end, reader.problem() + "; entry " + bad + " was committed and indexed, so this is"
                    + " not a write torn by a crash and is not cut off");
        }
        if (reader.problem() != null) {
            LOG.warn("Journal segment {}, offset {}: {}; truncating there, dropping {} bytes (a write torn by a crash;"
                    + " entries up to sequence {} kept)", file, end, reader.problem(), reader.size() - end,
                    first + reader.frames() - 1);
            last.truncate(end);
            last.force(true);
        } else if (end < reader.size()) {
            // The zeros laid down ahead of the frames: dropped, so nothing written before a crash past
            // the last good frame can be read as a frame later; the writer lays new ones down.
            last.truncate(end);
            last.force(true);
        }
        last.position(end);
        return reader;
    }

    private FrameReader checkedHeader(Path file, long first, FileChannel channel) throws IOException, JournalException {
        FrameReader reader = new FrameReader(file, channel);
        String problem = reader.headerProblem(first);
        if (problem != null) {
            throw notRepaired(file, 0, problem);
        }
        return reader;
    }

    private static boolean headerIsZero(FileChannel last) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        int read = 0;
        while (header.hasRemaining() && read >= 0) {
            read = last.read(header, header.position());
        }
        for (int i = 0; i < header.position(); i++) {
            if (header.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private JournalException notRepaired(Path file, long offset, String problem) {
        return new JournalException("journal segment " + file + ", offset " + offset + ": " + problem
                + ". The operator must restore this file from a backup, or move it out of " + dir
                + " (with the segments before it) once the index holds its entries");
    }

    private List<Path> listSegments() throws JournalException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SegmentFormat.SUFFIX)) {
            for (Path file : stream) {
                if (SegmentFormat.parseName(file.getFileName().toString()) < 1) {
                    throw new JournalException("file " + file + " in the journal directory is not a segment (named by"
                            + " its first sequence, 20 digits, then " + SegmentFormat.SUFFIX
                            + "); the operator must move it out");
                }
                files.add(file);
            }
        } catch (IOException e) {
            throw new JournalException("listing journal directory " + dir + " failed: " + Journal.describe(e), e);
        }
        files.sort(null);
        return files;
    }
}
