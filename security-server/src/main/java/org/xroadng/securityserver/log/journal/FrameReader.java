package org.xroadng.securityserver.log.journal;

import static org.xroadng.securityserver.log.journal.SegmentFormat.FRAME_HEADER_BYTES;
import static org.xroadng.securityserver.log.journal.SegmentFormat.HEADER_BYTES;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads one segment's header and then its frames in order, checking each before it is handed out:
 * the length is within the limit, the frame is complete, the CRC32C matches, the sequence is the
 * expected one. Reads through a 64 KiB buffer with positional reads, so it neither moves nor needs
 * the channel's position. Reads the bytes the file had when the reader was made.
 */
final class FrameReader {

    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final byte[] sequenceBytes = new byte[8];
    private final CRC32C crc = new CRC32C();
    private long bufferStart;
    private long offset = HEADER_BYTES;
    private long frames;
    private byte[] payload;
    private String problem;

    FrameReader(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        this.size = channel.size();
        buffer.limit(0);
    }

    long size() {
        return size;
    }

    /** Where the next frame starts: after {@link #next} returned false, where the good frames end. */
    long offset() {
        return offset;
    }

    /** How many good frames {@link #next} has read. */
    long frames() {
        return frames;
    }

    /** The payload of the frame {@link #next} just read. */
    byte[] payload() {
        return payload;
    }

    /** After {@link #next} returned false: what is wrong at {@link #offset}, or null at a clean end. */
    String problem() {
        return problem;
    }

    /** What is wrong with the segment header, or null when it is good. */
    String headerProblem(long nameSequence) throws IOException {
        if (size < HEADER_BYTES) {
            return "bad segment header: the file has " + size + " bytes, fewer than the " + HEADER_BYTES
                    + "-byte header";
        }
        return SegmentFormat.headerProblem(buffer, window(0, HEADER_BYTES), nameSequence);
    }

    /**
     * Reads the frame at {@link #offset}, which must hold {@code expectedSequence}. True when it is
     * good (then {@link #payload} holds it and the offset moves past it); false at the end of the
     * file or at a bad frame ({@link #problem} says which).
     */
    boolean next(long expectedSequence) throws IOException {
        payload = null;
        problem = null;
        long remaining = size - offset;
        if (remaining == 0) {
            return false;
        }
        if (remaining < FRAME_HEADER_BYTES) {
            problem = "incomplete frame header: " + remaining + " of " + FRAME_HEADER_BYTES + " bytes";
            return false;
        }
        int at = window(offset, FRAME_HEADER_BYTES);
        int length = buffer.getInt(at);
        int storedCrc = buffer.getInt(at + 4);
        long sequence = buffer.getLong(at + 8);
        if (length == 0 && storedCrc == 0 && sequence == 0) {
            // The zeros the writer lays down ahead of its frames (Journal preallocates): the end of them.
            return false;
        }
        if (length < 0 || length > Journal.MAX_PAYLOAD_BYTES) {
            problem = "frame length " + Integer.toUnsignedString(length) + " is above the limit of "
                    + Journal.MAX_PAYLOAD_BYTES + " bytes";
            return false;
        }
        if (remaining - FRAME_HEADER_BYTES < length) {
            problem = "incomplete frame: its length is " + length + " bytes but only "
                    + (remaining - FRAME_HEADER_BYTES) + " follow";
            return false;
        }
        byte[] bytes = new byte[length];
        read(offset + FRAME_HEADER_BYTES, bytes);
        int computedCrc = crc(crc, sequenceBytes, sequence, bytes);
        if (computedCrc != storedCrc) {
            problem = String.format("CRC32C mismatch in the frame of length %d: stored %08x, computed %08x",
                    length, storedCrc, computedCrc);
            return false;
        }
        if (sequence != expectedSequence) {
            problem = "the frame holds sequence " + sequence + " where " + expectedSequence + " belongs";
            return false;
        }
        payload = bytes;
        offset += FRAME_HEADER_BYTES + length;
        frames++;
        return true;
    }

    /** The frame CRC: CRC32C over the sequence (8 bytes, big-endian) and then the payload. */
    static int crc(CRC32C crc, byte[] scratch, long sequence, byte[] payload) {
        for (int i = 7; i >= 0; i--) {
            scratch[i] = (byte) sequence;
            sequence >>>= 8;
        }
        crc.reset();
        crc.update(scratch, 0, 8);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    /** Makes the buffer hold file bytes [at, at + n), n at most 64 KiB; returns the buffer index of {@code at}. */
    private int window(long at, int n) throws IOException {
        if (at < bufferStart || at + n > bufferStart + buffer.limit()) {
            buffer.clear();
            buffer.limit((int) Math.min(BUFFER_BYTES, size - at));
            readFully(buffer, at);
            bufferStart = at;
        }
        return (int) (at - bufferStart);
    }

    private void read(long at, byte[] into) throws IOException {
        if (into.length <= BUFFER_BYTES) {
            buffer.get(window(at, into.length), into);
        } else {
            readFully(ByteBuffer.wrap(into), at);
        }
    }

    private void readFully(ByteBuffer into, long at) throws IOException {
        long position = at;
        while (into.hasRemaining()) {
            int read = channel.read(into, position);
            if (read < 0) {
                throw new EOFException(file + " ended at offset " + position + " while " + into.remaining()
                        + " more bytes were expected (did something else shorten it?)");
            }
            position += read;
        }
    }
}
