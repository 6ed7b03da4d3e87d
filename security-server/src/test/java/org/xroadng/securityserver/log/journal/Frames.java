package org.xroadng.securityserver.log.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/** Changes written frames the way someone with the files could: for tests of what readers then detect. */
public final class Frames {

    private Frames() {
    }

    /** The file of segment {@code segment} in journal directory {@code dir}. */
    public static Path segmentFile(Path dir, long segment) {
        return dir.resolve(SegmentFormat.fileName(segment));
    }

    /**
     * Replaces the payload of the frame at {@code offset} with {@code payload} of the same length and
     * writes a matching CRC32C, so only a check beyond the frame's own can tell.
     */
    public static void rewrite(Path dir, long segment, long offset, byte[] payload) throws IOException {
        try (FileChannel channel = FileChannel.open(segmentFile(dir, segment), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer header = ByteBuffer.allocate(SegmentFormat.FRAME_HEADER_BYTES);
            channel.read(header, offset);
            if (header.getInt(0) != payload.length) {
                throw new IllegalArgumentException("the frame at " + offset + " has " + header.getInt(0)
                        + " bytes, the new payload " + payload.length);
            }
            long sequence = header.getLong(8);
            header.putInt(4, FrameReader.crc(new CRC32C(), new byte[8], sequence, payload));
            Journal.writeFully(channel, header.position(0), offset);
            Journal.writeFully(channel, ByteBuffer.wrap(payload), offset + SegmentFormat.FRAME_HEADER_BYTES);
        }
    }

    /** Flips one bit of the frame's payload without mending its CRC32C. */
    public static void flipPayloadBit(Path dir, long segment, long offset, int index) throws IOException {
        try (FileChannel channel = FileChannel.open(segmentFile(dir, segment), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long at = offset + SegmentFormat.FRAME_HEADER_BYTES + index;
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 1));
            Journal.writeFully(channel, one.position(0), at);
        }
    }
}
