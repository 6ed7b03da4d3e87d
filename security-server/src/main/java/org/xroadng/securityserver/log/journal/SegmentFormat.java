package org.xroadng.securityserver.log.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a journal segment, all integers big-endian:
 *
 * <pre>
 * header (24 bytes): magic "XRNGJRNL" (8) | version (int, 1) | first sequence (long) | CRC32C of the 20 bytes before (int)
 * frame:             payload length (int) | CRC32C of sequence and payload (int) | sequence (long) | payload
 * </pre>
 *
 * A segment's file name is its first sequence, 20 digits zero-padded, then {@value #SUFFIX}, so
 * name order is sequence order.
 */
final class SegmentFormat {

    static final String SUFFIX = ".journal";
    static final int VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int FRAME_HEADER_BYTES = 16;
    private static final byte[] MAGIC = "XRNGJRNL".getBytes(StandardCharsets.US_ASCII);
    private static final int NAME_DIGITS = 20;

    private SegmentFormat() {
    }

    static String fileName(long firstSequence) {
        String digits = Long.toString(firstSequence);
        return "0".repeat(NAME_DIGITS - digits.length()) + digits + SUFFIX;
    }

    /** The first sequence a segment file name stands for, or -1 when it is not a segment name. */
    static long parseName(String name) {
        if (name.length() != NAME_DIGITS + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < NAME_DIGITS; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            long sequence = Long.parseLong(name, 0, NAME_DIGITS, 10);
            return sequence >= 1 ? sequence : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The header of a segment whose first entry will be {@code firstSequence}, ready to write. */
    static ByteBuffer header(long firstSequence) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.put(MAGIC).putInt(VERSION).putLong(firstSequence);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, HEADER_BYTES - 4);
        header.putInt((int) crc.getValue());
        return header.flip();
    }

    /**
     * What is wrong with the header in {@code bytes} (24 bytes from {@code index}) of the segment
     * named {@code nameSequence}, or null when it is good.
     */
    static String headerProblem(ByteBuffer bytes, int index, long nameSequence) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes.get(index + i) != MAGIC[i]) {
                return "bad segment header: the file does not start with the journal magic \"XRNGJRNL\"";
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().limit(index + HEADER_BYTES - 4).position(index));
        int stored = bytes.getInt(index + HEADER_BYTES - 4);
        if ((int) crc.getValue() != stored) {
            return String.format("bad segment header: CRC32C stored %08x, computed %08x", stored,
                    (int) crc.getValue());
        }
        int version = bytes.getInt(index + MAGIC.length);
        if (version != VERSION) {
            return "bad segment header: format version " + version + ", this journal reads version " + VERSION;
        }
        long first = bytes.getLong(index + MAGIC.length + 4);
        if (first != nameSequence) {
            return "bad segment header: it says the first sequence is " + first + " but the file name says "
                    + nameSequence;
        }
        return null;
    }
}
