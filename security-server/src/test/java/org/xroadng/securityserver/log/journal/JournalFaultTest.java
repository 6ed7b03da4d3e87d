package org.xroadng.securityserver.log.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.securityserver.log.journal.Entries.assertPayloads;
import static org.xroadng.securityserver.log.journal.Entries.payloads;
import static org.xroadng.securityserver.log.journal.Entries.replay;
import static org.xroadng.securityserver.log.journal.Entries.segments;
import static org.xroadng.securityserver.log.journal.FaultyChannels.IO_ERROR;
import static org.xroadng.securityserver.log.journal.FaultyChannels.NO_SPACE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up or fails to flush under the journal ({@link FaultyChannels}): a failed
 * append or commit leaves the journal failed, rollback cuts back to the committed entries, and
 * the numbering goes on right after them, also after a restart.
 */
class JournalFaultTest {

    private static final Journal.Settings SMALL = new Journal.Settings(4096);
    private static final String FIRST = "00000000000000000001.journal";

    @TempDir
    Path dir;

    private final FaultyChannels disk = new FaultyChannels();

    private Journal open(Journal.Settings settings) throws JournalException {
        return Journal.open(dir, settings, disk);
    }

    private static void assertMentions(JournalException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "\"" + part + "\" in: " + e.getMessage());
        }
    }

    /** After a restart: the committed entries, then {@code next} at the sequence after them. */
    private void assertReopened(List<byte[]> committed, List<byte[]> next) throws JournalException {
        try (Journal journal = Journal.open(dir, Journal.Settings.defaults())) {
            List<byte[]> all = new ArrayList<>(committed);
            all.addAll(next);
            assertPayloads(all, replay(journal, 1));
        }
    }

    @Test
    void diskFullDuringAppend_rollbackDropsThePartialFramesAndNumberingGoesOn() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 5, 200);
        try (Journal journal = open(Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            long committedEnd = journal.writtenEnd();
            disk.freeBytes(300);

            JournalException failed = assertThrows(JournalException.class,
                    () -> journal.append(payloads(100, 3, 200)));

            assertMentions(failed, "appending 3 entries (sequences 6..8) to ", FIRST, "at offset " + committedEnd,
                    NO_SPACE);
            assertTrue(journal.isFailed());
            assertTrue(Files.size(dir.resolve(FIRST)) >= committedEnd + 300, "a partial frame is on disk");
            JournalException refused = assertThrows(JournalException.class,
                    () -> journal.append(payloads(200, 1, 10)));
            assertMentions(refused, "is failed", "rollback()", NO_SPACE);
            assertThrows(JournalException.class, () -> journal.commit(true));
            assertEquals(5, journal.committedSequence());

            disk.full(false);
            journal.rollback();

            assertFalse(journal.isFailed());
            assertEquals(committedEnd, Files.size(dir.resolve(FIRST)));
            assertEquals(6, journal.nextSequence());
            assertPayloads(committed, replay(journal, 1));
            assertEquals(6, journal.append(payloads(300, 2, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 2, 50));
    }

    @Test
    void failedForcedCommit_rollbackDropsTheUncommittedEntries() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 5, 200);
        try (Journal journal = open(Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            long committedEnd = journal.writtenEnd();
            assertEquals(6, journal.append(payloads(100, 3, 200)));
            disk.forceFails(true);

            JournalException failed = assertThrows(JournalException.class, () -> journal.commit(true));

            assertMentions(failed, "forcing journal segment ", FIRST, NO_SPACE);
            assertTrue(journal.isFailed());
            assertEquals(5, journal.committedSequence());
            assertPayloads(committed, replay(journal, 1));

            disk.forceFails(false);
            journal.rollback();

            assertEquals(committedEnd, Files.size(dir.resolve(FIRST)));
            assertEquals(6, journal.nextSequence());
            assertPayloads(committed, replay(journal, 1));
            assertEquals(6, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void failingRollback_keepsTheJournalFailedUntilALaterRollbackSucceeds() throws JournalException {
        List<byte[]> committed = payloads(1, 3, 200);
        try (Journal journal = open(Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            disk.full(true);
            assertThrows(JournalException.class, () -> journal.append(payloads(100, 2, 200)));
            disk.openFails(true);

            JournalException rollbackFailed = assertThrows(JournalException.class, journal::rollback);

            assertMentions(rollbackFailed, "rolling back journal segment ", FIRST, "to offset", IO_ERROR,
                    "stays failed since", NO_SPACE);
            assertTrue(journal.isFailed());
            JournalException refused = assertThrows(JournalException.class,
                    () -> journal.append(payloads(200, 1, 10)));
            assertMentions(refused, "is failed", "appending 2 entries", NO_SPACE);

            disk.openFails(false);
            disk.forceFails(true);
            assertThrows(JournalException.class, journal::rollback, "truncated but not forced is not rolled back");
            assertTrue(journal.isFailed());

            disk.forceFails(false);
            disk.full(false);
            journal.rollback();

            assertFalse(journal.isFailed());
            assertEquals(4, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
            assertPayloads(committed, replay(journal, 1).subList(0, 3));
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void diskFullWhileRollingToANewSegment_rollbackRemovesTheNewFile() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 5, 1000);
        try (Journal journal = open(SMALL)) {
            journal.append(committed);
            journal.commit(true);
            disk.full(true);

            JournalException failed = assertThrows(JournalException.class,
                    () -> journal.append(payloads(100, 1, 10)));

            assertMentions(failed, "rolling journal", "over to new segment", "00000000000000000006.journal", NO_SPACE);
            assertTrue(journal.isFailed());
            assertEquals(2, segments(dir).size(), "the new file was created before the disk refused its header");

            disk.full(false);
            journal.rollback();

            assertEquals(List.of(dir.resolve(FIRST)), segments(dir));
            assertEquals(6, journal.append(payloads(300, 1, 50)), "the append rolls over again, now with room");
            journal.commit(true);
            assertEquals(2, segments(dir).size());
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void crashAfterADiskFullRoll_reopensWithTheNumberingKept() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 5, 1000);
        Journal crashed = open(SMALL);
        crashed.append(committed);
        crashed.commit(true);
        disk.full(true);
        assertThrows(JournalException.class, () -> crashed.append(payloads(100, 1, 10)));
        // The process dies here, leaving an empty 00000000000000000006.journal.
        crashed.abandon();

        try (Journal journal = Journal.open(dir, SMALL)) {
            assertEquals(24, Files.size(dir.resolve("00000000000000000006.journal")));
            assertEquals(6, journal.nextSequence());
            assertPayloads(committed, replay(journal, 1));
        }
    }

    @Test
    void failedCommitAfterRollingOver_rollbackRemovesTheUncommittedSegment() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 2, 1000);
        try (Journal journal = open(SMALL)) {
            journal.append(committed);
            journal.commit(true);
            long committedEnd = journal.writtenEnd();
            journal.append(payloads(100, 3, 1000));
            journal.append(payloads(200, 2, 1000));
            assertEquals(2, segments(dir).size());
            disk.forceFails(true);

            assertThrows(JournalException.class, () -> journal.commit(true));
            disk.forceFails(false);
            journal.rollback();

            assertEquals(List.of(dir.resolve(FIRST)), segments(dir));
            assertEquals(committedEnd, Files.size(dir.resolve(FIRST)));
            assertEquals(new Journal.Stats(1, committedEnd, 1), journal.stats());
            assertEquals(3, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void failedAppendIntoAFreshSegment_releaseKeepsTheSegmentRollbackReturnsTo() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 5, 1000);
        try (Journal journal = open(SMALL)) {
            journal.append(committed);
            journal.commit(true);
            disk.freeBytes(24);
            assertThrows(JournalException.class, () -> journal.append(payloads(100, 1, 10)));
            assertEquals(2, segments(dir).size(), "the roll worked, the frame did not fit");

            assertEquals(0, journal.release(Long.MAX_VALUE));

            disk.full(false);
            journal.rollback();
            assertEquals(List.of(dir.resolve(FIRST)), segments(dir));
            assertPayloads(committed, replay(journal, 1));
            assertEquals(6, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void uncheckedFailureDuringAppend_isThrownOnAndLeavesTheJournalFailed() throws JournalException {
        List<byte[]> committed = payloads(1, 2, 100);
        try (Journal journal = open(Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            IllegalStateException unchecked = new IllegalStateException("no direct memory");
            disk.writeThrows(unchecked);

            assertSame(unchecked, assertThrows(IllegalStateException.class, () -> journal.append(payloads(100, 1, 10))));

            assertTrue(journal.isFailed());
            assertMentions(assertThrows(JournalException.class, () -> journal.append(payloads(200, 1, 10))),
                    "appending 1 entries (sequences 3..3)", "no direct memory");
            disk.writeThrows(null);
            journal.rollback();
            assertEquals(3, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void interruptedWriter_channelClosedByTheInterrupt_rollbackReopensIt() throws JournalException {
        List<byte[]> committed = payloads(1, 2, 100);
        try (Journal journal = Journal.open(dir, Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            Thread.currentThread().interrupt();
            try {
                JournalException failed = assertThrows(JournalException.class,
                        () -> journal.append(payloads(100, 1, 10)));
                assertMentions(failed, "ClosedByInterruptException");
            } finally {
                Thread.interrupted();
            }

            journal.rollback();

            assertEquals(3, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }

    @Test
    void diskFullInTheMiddleOfAGroupOfLargeEntries_rollbackDropsAllOfThem() throws JournalException, IOException {
        List<byte[]> committed = payloads(1, 2, 100);
        try (Journal journal = open(Journal.Settings.defaults())) {
            journal.append(committed);
            journal.commit(true);
            long committedEnd = journal.writtenEnd();
            disk.freeBytes(12L * 1024 * 1024 + 77);

            assertThrows(JournalException.class, () -> journal.append(payloads(100, 5, 3_500_000)));

            assertTrue(Files.size(dir.resolve(FIRST)) > committedEnd, "part of the group reached the disk");
            disk.full(false);
            journal.rollback();
            assertEquals(committedEnd, Files.size(dir.resolve(FIRST)));
            assertEquals(3, journal.append(payloads(300, 1, 50)));
            journal.commit(true);
        }
        assertReopened(committed, payloads(300, 1, 50));
    }
}
