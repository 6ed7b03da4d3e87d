package org.xroadng.securityserver.log.journal;

import static java.nio.file.StandardOpenOption.READ;
import static org.xroadng.securityserver.log.journal.SegmentFormat.FRAME_HEADER_BYTES;
import static org.xroadng.securityserver.log.journal.SegmentFormat.HEADER_BYTES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Reads single entries of a journal by where their frames are (as {@link Journal#append(java.util.List, long[])}
 * and replay report them), checking each frame's length and CRC32C. Needs no lock, so a tool may
 * read the journal of a running server: committed frames are never rewritten. Keeps the last
 * segment it read open; safe for concurrent use.
 */
public final class SegmentReader implements AutoCloseable {

    private final Path dir;
    private final Journal.ChannelOpener opener;
    private long openSegment = -1;
    private FileChannel channel;

    public SegmentReader(Path dir, Journal.ChannelOpener opener) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /**
     * The payload of the frame at {@code offset} in segment {@code segment} (its first sequence).
     *
     * @throws JournalException when the segment is missing or the bytes there are not a good frame
     */
    public synchronized byte[] read(long segment, long offset) throws JournalException {
        Path file = dir.resolve(SegmentFormat.fileName(segment));
        if (offset < HEADER_BYTES) {
            throw new JournalException("journal segment " + file + " has no frame at offset " + offset);
        }
        try {
            FileChannel in = channel(segment, file);
            ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER_BYTES);
            readFully(in, header, offset, file);
            int length = header.getInt(0);
            int storedCrc = header.getInt(4);
            long sequence = header.getLong(8);
            if (length < 0 || length > Journal.MAX_PAYLOAD_BYTES || sequence < segment) {
                throw new JournalException("journal segment " + file + ", offset " + offset
                        + ": no frame starts there (length " + Integer.toUnsignedString(length) + ", sequence "
                        + sequence + ")");
            }
            byte[] payload = new byte[length];
            readFully(in, ByteBuffer.wrap(payload), offset + FRAME_HEADER_BYTES, file);
            int computed = FrameReader.crc(new CRC32C(), new byte[8], sequence, payload);
            if (computed != storedCrc) {
                throw new JournalException(String.format("journal segment %s, offset %d: CRC32C mismatch in the"
                        + " frame of entry %d: stored %08x, computed %08x", file, offset, sequence, storedCrc, computed));
            }
            return payload;
        } catch (NoSuchFileException e) {
            throw new JournalException("journal segment " + file + " is missing: it holds entries the message log"
                    + " still refers to; restore it from a backup", e);
        } catch (IOException e) {
            closeChannel();
            throw new JournalException("reading journal segment " + file + " at offset " + offset + " failed: "
                    + Journal.describe(e), e);
        }
    }

    /** Closes the segment kept open, so a deleted segment's space is given back. */
    public synchronized void forget() {
        closeChannel();
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }

    private FileChannel channel(long segment, Path file) throws IOException {
        if (channel == null || openSegment != segment) {
            closeChannel();
            channel = opener.open(file, Set.of(READ));
            openSegment = segment;
        }
        return channel;
    }

    private void closeChannel() {
        Journal.closeQuietly(channel);
        channel = null;
        openSegment = -1;
    }

    private static void readFully(FileChannel in, ByteBuffer into, long position, Path file)
            throws IOException, JournalException {
        long at = position;
        while (into.hasRemaining()) {
            int read = in.read(into, at);
            if (read < 0) {
                throw new JournalException("journal segment " + file + " ends at offset " + at + ", inside the frame"
                        + " at offset " + position);
            }
            at += read;
        }
    }
}
