package org.xroadng.securityserver.log.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.securityserver.log.journal.Entries.assertPayloads;
import static org.xroadng.securityserver.log.journal.Entries.payloads;
import static org.xroadng.securityserver.log.journal.Entries.replay;
import static org.xroadng.securityserver.log.journal.Entries.segments;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a journal whose files a crash or a bad disk has changed: a torn tail of the last segment
 * is cut off and the journal goes on; anything else is refused with the file named.
 */
class JournalRecoveryTest {

    private static final Journal.Settings SMALL = new Journal.Settings(4096);
    private static final int SIZE = 700;
    private static final int FRAME = 16 + SIZE;
    private static final int COUNT = 20;

    @TempDir
    Path dir;

    /** 20 entries of 700 bytes, one commit each: segments of 6 entries (1, 7, 13) and a last one (19, 20). */
    private List<byte[]> write() throws JournalException, IOException {
        List<byte[]> written = payloads(1, COUNT, SIZE);
        try (Journal journal = Journal.open(dir, SMALL)) {
            for (byte[] payload : written) {
                journal.append(List.of(payload));
                journal.commit(true);
            }
        }
        assertEquals(4, segments(dir).size());
        return written;
    }

    private Path last() throws IOException {
        List<Path> files = segments(dir);
        return files.get(files.size() - 1);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x40));
            channel.write(one.rewind(), offset);
        }
    }

    @Test
    void crashWithZerosLaidAheadOfTheFrames_reopensWithEveryCommittedEntry() throws JournalException, IOException {
        List<byte[]> written = payloads(1, 5, SIZE);
        Path file;
        byte[] atCrash;
        try (Journal journal = Journal.open(dir, Journal.Settings.defaults())) {
            journal.append(written);
            journal.commit(true);
            file = segments(dir).get(0);
            assertTrue(Files.size(file) >= Journal.PREALLOCATE_BYTES,
                    "the writer lays zeros down ahead, so a forced commit does not grow the file");
            atCrash = Files.readAllBytes(file); // as a kill -9 would leave it: zeros after the frames
        }
        assertEquals(24 + 5L * FRAME, Files.size(file), "a closed journal ends with its last frame");
        Files.write(file, atCrash);

        try (Journal journal = Journal.open(dir, Journal.Settings.defaults())) {
            assertEquals(5, journal.committedSequence());
            assertEquals(24 + 5L * FRAME, Files.size(file), "recovery cuts the zeros off");
            assertPayloads(written, replay(journal, 1));
            assertEquals(6, journal.append(payloads(100, 1, SIZE)));
            journal.commit(true);
        }
    }

    /** Reopens and checks: exactly {@code kept} entries, the last file cut to {@code size}, appends go on. */
    private void assertRecovered(List<byte[]> written, int kept, Path last, long size)
            throws JournalException, IOException {
        try (Journal journal = Journal.open(dir, SMALL)) {
            assertEquals(size, Files.size(last), "the torn tail is cut off");
            assertEquals(kept, journal.committedSequence());
            assertEquals(kept + 1, journal.nextSequence());
            assertPayloads(written.subList(0, kept), replay(journal, 1));
            assertEquals(kept + 1, journal.append(payloads(1000, 1, 30)));
            journal.commit(true);
        }
        try (Journal journal = Journal.open(dir, SMALL)) {
            List<byte[]> expected = new ArrayList<>(written.subList(0, kept));
            expected.addAll(payloads(1000, 1, 30));
            assertPayloads(expected, replay(journal, 1));
        }
    }

    @Test
    void lastSegmentCutMidFrame_keepsTheEntriesBeforeIt() throws JournalException, IOException {
        List<byte[]> written = write();
        Path last = last();
        long lastFrame = Files.size(last) - FRAME;
        truncate(last, lastFrame + 16 + 100);

        assertRecovered(written, COUNT - 1, last, lastFrame);
    }

    @Test
    void lastSegmentCutInAFrameHeader_keepsTheEntriesBeforeIt() throws JournalException, IOException {
        List<byte[]> written = write();
        Path last = last();
        long lastFrame = Files.size(last) - FRAME;
        truncate(last, lastFrame + 5);

        assertRecovered(written, COUNT - 1, last, lastFrame);
    }

    @Test
    void garbageAfterTheLastFrame_isCutOff() throws JournalException, IOException {
        List<byte[]> written = write();
        Path last = last();
        long size = Files.size(last);
        byte[] garbage = Entries.payload(99, 3000);
        Files.write(last, garbage, StandardOpenOption.APPEND);

        assertRecovered(written, COUNT, last, size);
    }

    @Test
    void zerosAfterTheLastFrame_areCutOff() throws JournalException, IOException {
        List<byte[]> written = write();
        Path last = last();
        long size = Files.size(last);
        Files.write(last, new byte[4096], StandardOpenOption.APPEND);

        assertRecovered(written, COUNT, last, size);
    }

    @Test
    void flippedByteInTheLastFramesPayload_dropsThatFrame() throws JournalException, IOException {
        List<byte[]> written = write();
        Path last = last();
        long lastFrame = Files.size(last) - FRAME;
        flipByte(last, lastFrame + 16 + 350);

        assertRecovered(written, COUNT - 1, last, lastFrame);
    }

    @Test
    void tornSegmentCreation_getsItsHeaderBackAndKeepsTheNumbering() throws JournalException, IOException {
        List<byte[]> written = write();
        Path torn = dir.resolve("00000000000000000021.journal");
        Files.write(torn, new byte[] {'X', 'R', 'N'});

        try (Journal journal = Journal.open(dir, SMALL)) {
            assertEquals(24, Files.size(torn));
            assertEquals(21, journal.nextSequence());
            assertPayloads(written, replay(journal, 1));
            assertEquals(21, journal.append(payloads(21, 1, 10)));
        }
    }

    @Test
    void damageInAnEarlierSegment_failsOpenNamingFileAndOffset() throws JournalException, IOException {
        write();
        Path second = segments(dir).get(1);
        long size = Files.size(second);
        flipByte(second, 24 + 2 * FRAME + 16 + 5);

        JournalException refused = assertThrows(JournalException.class, () -> Journal.open(dir, SMALL));

        String message = refused.getMessage();
        assertTrue(message.contains("journal segment " + second + ", offset " + (24 + 2 * FRAME) + ": CRC32C mismatch"),
                message);
        assertTrue(message.contains("not the last segment"), message);
        assertTrue(message.contains("must restore this file"), message);
        assertEquals(size, Files.size(second), "nothing is cut from an earlier segment");
    }

    @Test
    void earlierSegmentCutShort_failsOpen() throws JournalException, IOException {
        write();
        Path first = segments(dir).get(0);
        truncate(first, Files.size(first) - 10);

        JournalException refused = assertThrows(JournalException.class, () -> Journal.open(dir, SMALL));

        assertTrue(refused.getMessage().contains("journal segment " + first + ", offset " + (24 + 5 * FRAME)
                + ": incomplete frame"), refused.getMessage());
    }

    @Test
    void missingMiddleSegment_failsOpenNamingTheGap() throws JournalException, IOException {
        write();
        List<Path> files = segments(dir);
        Files.delete(files.get(1));

        JournalException refused = assertThrows(JournalException.class, () -> Journal.open(dir, SMALL));

        String message = refused.getMessage();
        assertTrue(message.contains("journal segment " + files.get(2) + ", offset 0: it starts at sequence 13"), message);
        assertTrue(message.contains(files.get(0) + ", ends at sequence 6"), message);
        assertTrue(message.contains("the segments holding 7..12 are missing"), message);
    }

    @Test
    void badMagicInTheLastSegment_failsOpenInsteadOfBeingRepaired() throws JournalException, IOException {
        write();
        Path last = last();
        long size = Files.size(last);
        flipByte(last, 2);

        JournalException refused = assertThrows(JournalException.class, () -> Journal.open(dir, SMALL));

        assertTrue(refused.getMessage().contains("journal segment " + last + ", offset 0: bad segment header"),
                refused.getMessage());
        assertEquals(size, Files.size(last));
    }

    @Test
    void headerNamingAnotherSequence_failsOpen() throws JournalException, IOException {
        write();
        Path first = segments(dir).get(0);
        Files.move(first, dir.resolve("00000000000000000002.journal"));

        JournalException refused = assertThrows(JournalException.class, () -> Journal.open(dir, SMALL));

        assertTrue(refused.getMessage().contains("00000000000000000002.journal, offset 0: bad segment header: it says"
                + " the first sequence is 1 but the file name says 2"), refused.getMessage());
    }
}
