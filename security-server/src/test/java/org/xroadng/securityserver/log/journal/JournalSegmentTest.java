package org.xroadng.securityserver.log.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.securityserver.log.journal.Entries.assertPayloads;
import static org.xroadng.securityserver.log.journal.Entries.payloads;
import static org.xroadng.securityserver.log.journal.Entries.replay;
import static org.xroadng.securityserver.log.journal.Entries.segments;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rolling over to new segment files, replay across them, releasing old ones. */
class JournalSegmentTest {

    private static final Journal.Settings SMALL = new Journal.Settings(4096);
    private static final int SIZE = 500;
    private static final int FRAME = 16 + SIZE;

    @TempDir
    Path dir;

    /** 100 entries of 500 bytes, committed in groups of 3 (the last group of 1). */
    private static List<byte[]> fill(Journal journal) throws JournalException {
        List<byte[]> written = payloads(1, 100, SIZE);
        for (int at = 0; at < written.size(); at += 3) {
            journal.append(written.subList(at, Math.min(at + 3, written.size())));
            journal.commit(true);
        }
        return written;
    }

    /** The first sequence each segment file's name gives. */
    private static List<Long> firsts(Path dir) throws IOException {
        List<Long> firsts = new ArrayList<>();
        for (Path file : segments(dir)) {
            firsts.add(Long.parseLong(file.getFileName().toString().substring(0, 20)));
        }
        return firsts;
    }

    @Test
    void smallSegments_rollOnceFullAndReplayAcrossThem() throws JournalException, IOException {
        try (Journal journal = Journal.open(dir, SMALL)) {
            List<byte[]> written = fill(journal);

            List<Path> files = segments(dir);
            assertTrue(files.size() >= 10, "segments: " + files);
            // Each sealed segment rolled at the first append that found it at 4 KiB: 24 + 8 frames
            // is below, so each holds 9 frames (three groups of 3) and the next group starts a new file.
            for (Path sealed : files.subList(0, files.size() - 1)) {
                assertEquals(24 + 9 * FRAME, Files.size(sealed), sealed.toString());
            }
            List<Long> firsts = firsts(dir);
            for (int i = 0; i < firsts.size(); i++) {
                assertEquals(1 + 9L * i, firsts.get(i));
            }
            assertPayloads(written, replay(journal, 1));
            assertPayloads(written.subList(40, 100), replay(journal, 41));
            long sealed = files.subList(0, files.size() - 1).stream().mapToLong(Entries::size).sum();
            assertEquals(new Journal.Stats(files.size(), sealed + journal.writtenEnd(), 1), journal.stats());
        }
    }

    @Test
    void release_deletesOnlySegmentsWhollyCoveredAndKeepsReplayingTheRest() throws JournalException, IOException {
        try (Journal journal = Journal.open(dir, SMALL)) {
            List<byte[]> written = fill(journal);
            int before = segments(dir).size();

            // Segments hold 1..9, 10..18, 19..27, 28..36: through 35 covers only the first three.
            assertEquals(3, journal.release(35));

            assertEquals(28L, firsts(dir).get(0));
            assertEquals(before - 3, segments(dir).size());
            assertEquals(28, journal.stats().firstSequence());
            assertEquals(before - 3, journal.stats().segments());
            assertEquals(0, journal.release(35), "nothing more is wholly covered");
            assertPayloads(written.subList(27, 100), replay(journal, 28));
            JournalException refused = assertThrows(JournalException.class, () -> replay(journal, 20));
            assertTrue(refused.getMessage().contains("from sequence 20: the entries before 28 were released"),
                    refused.getMessage());
        }
    }

    @Test
    void releasingEverything_keepsTheCurrentSegmentAndTheNumbering() throws JournalException, IOException {
        List<byte[]> written;
        try (Journal journal = Journal.open(dir, SMALL)) {
            written = fill(journal);
            int before = segments(dir).size();
            assertEquals(before - 1, journal.release(Long.MAX_VALUE));
            assertEquals(1, segments(dir).size());
            assertPayloads(written.subList(99, 100), replay(journal, 100));
        }
        try (Journal journal = Journal.open(dir, SMALL)) {
            assertEquals(101, journal.nextSequence());
            assertEquals(100, journal.committedSequence());
            assertEquals(101, journal.append(payloads(101, 1, SIZE)));
            journal.commit(true);
            assertPayloads(payloads(100, 2, SIZE), replay(journal, 100));
        }
    }

    @Test
    void release_keepsTheSegmentOfTheLastCommittedEntryWhileLaterOnesAreUncommitted()
            throws JournalException, IOException {
        try (Journal journal = Journal.open(dir, SMALL)) {
            List<byte[]> written = fill(journal);
            // Fill the current segment past 4 KiB, uncommitted, so the next append rolls.
            journal.append(payloads(101, 9, SIZE));
            journal.append(payloads(110, 1, SIZE));
            long committedSegment = firsts(dir).get(firsts(dir).size() - 2);

            journal.release(Long.MAX_VALUE);

            assertEquals(List.of(committedSegment, 110L), firsts(dir));
            journal.rollback();
            assertEquals(List.of(committedSegment), firsts(dir));
            assertEquals(101, journal.nextSequence());
            assertPayloads(written.subList(99, 100), replay(journal, 100));
        }
    }

    @Test
    void headerOnlyLastSegment_givesTheNextSequenceByItsName() throws JournalException, IOException {
        try (Journal journal = Journal.open(dir, SMALL)) {
            fill(journal);
            journal.release(Long.MAX_VALUE);
        }
        Path last = segments(dir).get(0);
        long first = Long.parseLong(last.getFileName().toString().substring(0, 20));
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
            channel.truncate(24);
        }
        try (Journal journal = Journal.open(dir, SMALL)) {
            assertEquals(first, journal.nextSequence());
            assertEquals(first - 1, journal.committedSequence());
            assertEquals(new Journal.Stats(1, 24, first), journal.stats());
            assertPayloads(List.of(), replay(journal, first));
            assertEquals(first, journal.append(payloads(1, 1, 10)));
            assertFalse(journal.isFailed());
        }
    }

    @Test
    void rollingOver_forcesTheSealedSegmentBeforeStartingTheNext() throws JournalException {
        FaultyChannels disk = new FaultyChannels();
        String first = "00000000000000000001.journal";
        String second = "00000000000000000010.journal";
        try (Journal journal = Journal.open(dir, SMALL, disk)) {
            for (int at = 1; at <= 9; at += 3) {
                journal.append(payloads(at, 3, SIZE));
                journal.commit(false);
            }
            int sealedForces = disk.forces(first);

            journal.append(payloads(10, 3, SIZE));

            assertEquals(sealedForces + 1, disk.forces(first), "entries 1..9, acknowledged without force, are forced");
            // The new segment is the spare renamed, when one was ready (its channel was opened by that name).
            java.util.function.IntSupplier secondForces = () -> disk.forces(second) + disk.forces(Journal.SPARE_FILE);
            assertTrue(secondForces.getAsInt() >= 1, "the new segment's header is forced");
            int before = secondForces.getAsInt();
            journal.commit(true);
            assertEquals(sealedForces + 1, disk.forces(first));
            assertEquals(before + 1, secondForces.getAsInt());
        }
    }

    @Test
    void theNextSegmentsZeros_areForcedAMebibyteAtATime() throws JournalException, InterruptedException {
        FaultyChannels disk = new FaultyChannels();
        Journal.Settings settings = new Journal.Settings(4L * 1024 * 1024);
        long spareBytes = settings.segmentBytes() + Journal.PREALLOCATE_BYTES;
        int expected = (int) (spareBytes / Journal.SPARE_FORCE_BYTES);
        try (Journal journal = Journal.open(dir, settings, disk)) {
            int written = 0;
            while (journal.writtenEnd() <= settings.segmentBytes() / 2) {
                journal.append(payloads(written + 1, 4, 64 * 1024));
                journal.commit(false);
                written += 4;
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (disk.forces(Journal.SPARE_FILE) < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            assertEquals(expected, disk.forces(Journal.SPARE_FILE), "one force per MiB of the " + spareBytes
                    + " bytes of zeros (the last one the file's, with its size), not one for all of them");
        }
    }

    @Test
    void theNextSegmentIsMadeAheadOfTime_zeroedAndForced_andTakenByTheRoll() throws JournalException, IOException,
            InterruptedException {
        Journal.Settings settings = new Journal.Settings(64 * 1024);
        Path spare = dir.resolve(Journal.SPARE_FILE);
        List<byte[]> written = new ArrayList<>();
        try (Journal journal = Journal.open(dir, settings)) {
            while (journal.writtenEnd() <= 32 * 1024) {
                List<byte[]> group = payloads(written.size() + 1, 4, 1000);
                journal.append(group);
                journal.commit(true);
                written.addAll(group);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((!Files.exists(spare) || Files.size(spare) < 128 * 1024)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(128 * 1024, Files.size(spare), "half way through a segment, the next one is made");
            while (segments(dir).size() < 2) {
                List<byte[]> group = payloads(written.size() + 1, 4, 1000);
                journal.append(group);
                journal.commit(true);
                written.addAll(group);
            }
            Path second = segments(dir).get(1);
            assertFalse(Files.exists(spare), "the roll took the spare");
            assertEquals(128 * 1024, Files.size(second), "the new segment has its blocks already");
            assertPayloads(written, replay(journal, 1));
        }
        // A spare left behind (by a crash, say) holds no entry and is deleted on open.
        Files.write(spare, new byte[100]);
        try (Journal journal = Journal.open(dir, settings)) {
            assertFalse(Files.exists(spare));
            assertPayloads(written, replay(journal, 1));
            assertEquals(written.size() + 1, journal.append(payloads(9999, 1, 10)));
        }
    }
}
