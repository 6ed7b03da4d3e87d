package org.xroadng.auditlog.access.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.FaultyDisk;

/**
 * The access log on a disk that fills up or fails to flush ({@link FaultyDisk}, under H2): a batch
 * whose write or sync failed did not happen. Whatever H2 did with it (rolled back, or lost it when
 * it reopened its store), the log's size, links and durable size follow what is on disk, later
 * appends continue without a gap, and the database opens again.
 */
class AccessLogStorageFaultTest {

    @TempDir
    Path dir;

    private static AccessEvent event(int n, String subject) {
        return new AccessEvent("event-" + n, Instant.parse("2026-03-01T10:00:00Z").plusSeconds(n), "provider",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "GET",
                "/person/" + n, null, null, "tax-assessment", List.of(subject), "q-" + n, null, "ok");
    }

    private Database open(FaultyDisk disk) {
        return Database.open(disk.jdbcUrl("accesslog", ""), H2MerkleLog.DATABASE_NAME);
    }

    @Test
    void diskFull_batchDidNotHappenAndLogContinuesWithoutGap() {
        FaultyDisk disk = FaultyDisk.at(dir);
        List<byte[]> durable = new ArrayList<>();
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            appendAndSync(log, 0, 5, durable);

            // The disk fills: the next batch's commit or its sync fails.
            disk.full(true);
            assertThrows(RuntimeException.class, () -> {
                log.appendAll(List.of(event(5, "EE5"), event(6, "EE6")));
                log.merkleLog().sync();
            });
            assertTrue(disk.failedWrites() + disk.failedSyncs() > 0, "the fault was hit");
            disk.full(false);

            appendAndSync(log, 7, 10, durable);
            assertLogIs(log.merkleLog(), durable);
            assertEquals(durable.size(), log.merkleLog().durableSize());
        }
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            assertLogIs(log.merkleLog(), durable);
            appendAndSync(log, 10, 12, durable);
            assertLogIs(log.merkleLog(), durable);
        }
    }

    @Test
    void syncFailsAfterCommit_durableSizeStaysAtTheLastGoodSync() {
        FaultyDisk disk = FaultyDisk.at(dir);
        List<byte[]> durable = new ArrayList<>();
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            appendAndSync(log, 0, 3, durable);
            disk.syncFails(true);
            log.appendAll(List.of(event(3, "EE3")));
            assertThrows(RuntimeException.class, () -> log.merkleLog().sync());
            assertEquals(3, log.merkleLog().durableSize(), "a size whose sync failed is not durable");
            disk.syncFails(false);
            appendAndSync(log, 4, 6, durable);
            long size = log.merkleLog().size();
            assertEquals(size, log.merkleLog().durableSize());
            assertTrue(size == 5 || size == 6, "the event whose sync failed is either on disk or gone, not half there: "
                    + size);
        }
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            assertTrue(log.merkleLog().size() >= 5);
        }
    }

    @Test
    void crashBetweenCommitAndSync_reopensWithEverySyncedEventAndGoesOn() {
        FaultyDisk disk = FaultyDisk.at(dir);
        List<byte[]> durable = new ArrayList<>();
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            appendAndSync(log, 0, 4, durable);
            log.appendAll(List.of(event(4, "EE4"), event(5, "EE5"))); // committed, never forced to the device
            try {
                db.inTransaction(c -> c.createStatement().execute("SHUTDOWN IMMEDIATELY")); // the process dies
            } catch (RuntimeException closedUnderUs) {
                // H2 may report the connection it just closed.
            }
        }
        try (Database db = open(disk)) {
            H2AccessLog log = H2AccessLog.in(db);
            long size = log.merkleLog().size();
            assertTrue(size == 4 || size == 6, "the unsynced batch is wholly there or wholly gone: " + size);
            List<byte[]> now = new ArrayList<>(durable);
            for (long i = 4; i < size; i++) {
                now.add(log.merkleLog().entry(i));
            }
            assertLogIs(log.merkleLog(), now);
            appendAndSync(log, 6, 8, now);
            assertLogIs(log.merkleLog(), now);
        }
    }

    private static void appendAndSync(AccessLog log, int from, int to, List<byte[]> durable) {
        List<AccessEvent> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            events.add(event(i, "EE" + (i % 3)));
        }
        long first = log.appendAll(events);
        log.merkleLog().sync();
        for (int i = 0; i < events.size(); i++) {
            durable.add(log.merkleLog().entry(first + i));
        }
    }

    /** The log holds exactly {@code entries}, densely, and its root and proofs agree with them. */
    private static void assertLogIs(MerkleLog log, List<byte[]> entries) {
        assertEquals(entries.size(), log.size(), "size");
        InMemoryMerkleLog expected = new InMemoryMerkleLog();
        for (int i = 0; i < entries.size(); i++) {
            assertArrayEquals(entries.get(i), log.entry(i), "entry " + i);
            expected.append(entries.get(i));
        }
        assertArrayEquals(expected.root(), log.root(), "root");
        if (entries.size() > 1) {
            long last = entries.size() - 1;
            try {
                ProofVerifier.verifyInclusion(last, entries.size(), MerkleHashes.leafHash(entries.get((int) last)),
                        log.inclusion(last, entries.size()).path(), expected.root());
            } catch (ProofVerificationException e) {
                throw new AssertionError("inclusion proof of the last entry", e);
            }
        }
    }
}
