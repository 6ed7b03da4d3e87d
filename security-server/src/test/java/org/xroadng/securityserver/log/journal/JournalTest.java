package org.xroadng.securityserver.log.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.securityserver.log.journal.Entries.assertPayloads;
import static org.xroadng.securityserver.log.journal.Entries.payload;
import static org.xroadng.securityserver.log.journal.Entries.payloads;
import static org.xroadng.securityserver.log.journal.Entries.replay;
import static org.xroadng.securityserver.log.journal.Entries.segments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One segment's worth of behaviour: numbering, round trips, commit and force, refusals. */
class JournalTest {

    @TempDir
    Path dir;

    private Journal open() throws JournalException {
        return Journal.open(dir, Journal.Settings.defaults());
    }

    @Test
    void missingDirectory_isCreatedAndNumberingStartsAtOne() throws JournalException, IOException {
        Path missing = dir.resolve("a/journal");
        try (Journal journal = Journal.open(missing, Journal.Settings.defaults())) {
            assertEquals(1, journal.nextSequence());
            assertEquals(0, journal.committedSequence());
            assertEquals(new Journal.Stats(1, 24, 1), journal.stats());
            assertEquals(24, Files.size(missing.resolve("00000000000000000001.journal")));
            assertEquals(1, journal.append(List.of(payload(1, 10))));
        }
    }

    @Test
    void entriesAreReadBackWhereAppendAndReplaySayTheyAre_overSeveralSegments() throws JournalException, IOException {
        List<byte[]> written = payloads(1, 40, 700);
        List<long[]> appended = new ArrayList<>();
        try (Journal journal = Journal.open(dir, new Journal.Settings(Journal.Settings.MIN_SEGMENT_BYTES))) {
            for (int at = 0; at < written.size(); at += 4) {
                long[] offsets = new long[4];
                long first = journal.append(written.subList(at, at + 4), offsets);
                journal.commit(false);
                for (int i = 0; i < 4; i++) {
                    appended.add(new long[] {journal.segmentOf(first), offsets[i]});
                }
            }
            List<long[]> replayed = new ArrayList<>();
            journal.replay(1, new Journal.EntryConsumer() {
                @Override
                public void accept(long sequence, byte[] payload) {
                    throw new AssertionError("the replay names where each entry is");
                }

                @Override
                public void accept(long sequence, long segment, long offset, byte[] payload) {
                    replayed.add(new long[] {segment, offset});
                }
            });
            assertEquals(written.size(), replayed.size());
            for (int i = 0; i < written.size(); i++) {
                assertArrayEquals(appended.get(i), replayed.get(i), "entry " + (i + 1));
            }
        }
        assertTrue(segments(dir).size() > 3, segments(dir).toString());
        try (SegmentReader reader = new SegmentReader(dir, java.nio.channels.FileChannel::open)) {
            for (int i = written.size() - 1; i >= 0; i--) {
                assertArrayEquals(written.get(i), reader.read(appended.get(i)[0], appended.get(i)[1]), "entry " + (i + 1));
            }
            long[] last = appended.get(written.size() - 1);
            JournalException notAFrame = assertThrows(JournalException.class, () -> reader.read(last[0], last[1] + 3));
            assertTrue(notAFrame.getMessage().contains("offset " + (last[1] + 3)), notAFrame.getMessage());
            JournalException missing = assertThrows(JournalException.class, () -> reader.read(last[0] + 1000, 24));
            assertTrue(missing.getMessage().contains("is missing"), missing.getMessage());

            Frames.flipPayloadBit(dir, last[0], last[1], 5);
            JournalException damaged = assertThrows(JournalException.class, () -> reader.read(last[0], last[1]));
            assertTrue(damaged.getMessage().contains("CRC32C mismatch"), damaged.getMessage());
        }
    }

    @Test
    void entriesOfVariedSizes_replayInOrderAlsoFromTheMiddle() throws JournalException {
        Random random = new Random(42);
        List<byte[]> written = new ArrayList<>(List.of(new byte[0], payload(1, 1), payload(2, 1024 * 1024)));
        for (int i = 0; i < 300; i++) {
            written.add(payload(100 + i, random.nextInt(i % 10 == 0 ? 70_000 : 2_000)));
        }
        try (Journal journal = open()) {
            int at = 0;
            while (at < written.size()) {
                int group = Math.min(1 + random.nextInt(20), written.size() - at);
                assertEquals(at + 1, journal.append(written.subList(at, at + group)));
                journal.commit(at % 2 == 0);
                at += group;
            }
            assertEquals(written.size(), journal.committedSequence());
            assertPayloads(written, replay(journal, 1));
            assertPayloads(written.subList(149, written.size()), replay(journal, 150));
            assertPayloads(List.of(), replay(journal, written.size() + 1));
        }
    }

    @Test
    void largeEntriesInOneGroup_areWrittenInPiecesAndReadBackWhole() throws JournalException {
        // 5 x 3.5 MB: more than one 8 MiB write call, payloads cut into 1 MiB pieces at odd places.
        List<byte[]> written = payloads(1, 5, 3_500_000);
        written.add(new byte[0]);
        written.add(payload(9, 1024 * 1024 + 1));
        try (Journal journal = open()) {
            assertEquals(1, journal.append(written));
            journal.commit(true);
            assertPayloads(written, replay(journal, 1));
        }
        try (Journal journal = open()) {
            assertPayloads(written, replay(journal, 1));
        }
    }

    @Test
    void reopen_continuesTheNumberingAndKeepsTheEntries() throws JournalException {
        List<byte[]> first = payloads(1, 5, 100);
        try (Journal journal = open()) {
            journal.append(first);
            journal.commit(true);
        }
        try (Journal journal = open()) {
            assertEquals(6, journal.nextSequence());
            assertEquals(5, journal.committedSequence());
            assertEquals(6, journal.append(payloads(6, 3, 50)));
            journal.commit(true);
        }
        try (Journal journal = open()) {
            List<byte[]> all = new ArrayList<>(first);
            all.addAll(payloads(6, 3, 50));
            assertPayloads(all, replay(journal, 1));
            assertEquals(9, journal.nextSequence());
        }
    }

    @Test
    void commitWithoutForce_forcesNothingButSurvivesTheProcess() throws JournalException {
        FaultyChannels disk = new FaultyChannels();
        Journal killed = Journal.open(dir, Journal.Settings.defaults(), disk);
        int forcesAtOpen = disk.forces();
        killed.append(payloads(1, 4, 300));
        killed.commit(false);
        assertEquals(forcesAtOpen, disk.forces());
        assertEquals(4, killed.committedSequence());
        // The process dies here: no close. A new process finds the entries in the file.
        killed.abandon();
        try (Journal journal = open()) {
            assertEquals(5, journal.nextSequence());
            assertPayloads(payloads(1, 4, 300), replay(journal, 1));
        }
    }

    @Test
    void secondOpenerWhileOpen_refusedAndTheOwnerGoesOn() throws JournalException {
        try (Journal owner = open()) {
            owner.append(payloads(1, 3, 100));
            owner.commit(true);

            JournalInUseException refused = assertThrows(JournalInUseException.class, this::open);
            assertTrue(refused.getMessage().contains("in use by another process"), refused.getMessage());

            owner.append(payloads(4, 2, 100));
            owner.commit(true);
        }
        try (Journal journal = open()) {
            assertPayloads(payloads(1, 5, 100), replay(journal, 1));
        }
    }

    @Test
    void commitWithForce_forcesOncePerCommitAndOnlyWhenSomethingIsUnforced() throws JournalException {
        FaultyChannels disk = new FaultyChannels();
        try (Journal journal = Journal.open(dir, Journal.Settings.defaults(), disk)) {
            int forces = disk.forces();
            journal.append(payloads(1, 64, 1024));
            journal.commit(true);
            assertEquals(forces + 1, disk.forces());
            journal.commit(true);
            assertEquals(forces + 1, disk.forces(), "nothing new to force");
            journal.append(payloads(65, 2, 10));
            journal.commit(false);
            journal.commit(true);
            assertEquals(forces + 2, disk.forces(), "what commit(false) acknowledged is forced by the next commit(true)");
            assertEquals(66, journal.committedSequence());
        }
    }

    @Test
    void uncommittedEntries_areNotReplayedAndCloseDropsThem() throws JournalException {
        try (Journal journal = open()) {
            journal.append(payloads(1, 3, 100));
            journal.commit(true);
            assertEquals(4, journal.append(payloads(4, 2, 100)));
            assertEquals(6, journal.nextSequence());
            assertEquals(3, journal.committedSequence());
            assertPayloads(payloads(1, 3, 100), replay(journal, 1));
        }
        try (Journal journal = open()) {
            assertEquals(4, journal.nextSequence());
            assertPayloads(payloads(1, 3, 100), replay(journal, 1));
        }
    }

    @Test
    void emptyAppend_returnsTheNextSequenceAndWritesNothing() throws JournalException, IOException {
        try (Journal journal = open()) {
            journal.append(payloads(1, 2, 10));
            journal.commit(true);
            long size = Files.size(dir.resolve("00000000000000000001.journal"));
            assertEquals(3, journal.append(List.of()));
            assertEquals(3, journal.nextSequence());
            assertEquals(size, Files.size(dir.resolve("00000000000000000001.journal")));
        }
    }

    @Test
    void payloadOverTheLimit_isRefusedAndNothingIsWritten() throws JournalException, IOException {
        try (Journal journal = open()) {
            journal.append(payloads(1, 1, 10));
            journal.commit(true);
            Path segment = dir.resolve("00000000000000000001.journal");
            long size = Files.size(segment);
            List<byte[]> batch = List.of(payload(2, 10), new byte[Journal.MAX_PAYLOAD_BYTES + 1]);

            JournalException refused = assertThrows(JournalException.class, () -> journal.append(batch));

            assertTrue(refused.getMessage().contains("entry 1 of 2 has 67108865 bytes"), refused.getMessage());
            assertTrue(refused.getMessage().contains("limit of 67108864 bytes"), refused.getMessage());
            assertEquals(size, Files.size(segment));
            assertEquals(2, journal.nextSequence());
            assertFalse(journal.isFailed());
            assertEquals(2, journal.append(List.of(new byte[Journal.MAX_PAYLOAD_BYTES])), "the limit itself is allowed");
            journal.commit(true);
            List<byte[]> replayed = replay(journal, 2);
            assertEquals(1, replayed.size());
            assertEquals(Journal.MAX_PAYLOAD_BYTES, replayed.get(0).length);
        }
    }

    @Test
    void closedJournal_refusesAppends() throws JournalException {
        Journal journal = open();
        journal.close();
        JournalException refused = assertThrows(JournalException.class, () -> journal.append(payloads(1, 1, 1)));
        assertTrue(refused.getMessage().contains("is closed"), refused.getMessage());
    }

    @Test
    void segmentsBelowFourKibibytes_areRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new Journal.Settings(4095));
        assertEquals("journal segmentBytes must be at least 4096 (4 KiB), was 4095", refused.getMessage());
    }
}
