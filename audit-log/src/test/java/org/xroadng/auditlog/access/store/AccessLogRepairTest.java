package org.xroadng.auditlog.access.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLinksCheck;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.auditlog.merkle.store.MerkleStoreException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;

/**
 * The repair of an access log left with missing leaves, as a storage failure before this version
 * could leave it (a batch lost under the log, later batches appended past it from a stale state,
 * their subtree hashes computed over leaves that are not there).
 */
class AccessLogRepairTest {

    @TempDir
    Path dir;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link AccessLogRepairPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    private static final String[] SUBJECTS = {"EE1", "EE2", "EE3"};

    /** Ten events; then leaves 3 and 4 vanish as the lost batch did, leaving the nodes written over them. */
    private Database brokenLog() {
        Database db = storage().open(dir.resolve("accesslog"), H2MerkleLog.DATABASE_NAME);
        H2AccessLog log = H2AccessLog.in(db);
        for (int i = 0; i < 10; i++) {
            log.append(AccessLinksCheck.event(i, SUBJECTS[i % 3]));
        }
        db.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index IN (3, 4)");
            Jdbc.update(c, "DELETE FROM access_subject WHERE leaf_index IN (3, 4)");
            return null;
        });
        return db;
    }

    @Test
    void gap_serverRefusesToOpenAndCheckReportsWithoutChanging() {
        try (Database db = brokenLog()) {
            MerkleStoreException refused = assertThrows(MerkleStoreException.class, () -> H2AccessLog.in(db));
            assertTrue(refused.getMessage().contains("xroad server repair"), refused.getMessage());

            AccessLogRepair.Report check = AccessLogRepair.run(db, false);

            assertFalse(check.consistent());
            assertFalse(check.repaired());
            assertEquals(3, check.firstGap());
            assertEquals(2, check.missing());
            assertEquals(5, check.moved());
            assertTrue(check.describe().contains("--repair"), check.describe());
            assertThrows(MerkleStoreException.class, () -> H2AccessLog.in(db), "a check changes nothing");
        }
    }

    @Test
    void gap_repairKeepsEveryEventRelinksAndTheTreeVerifies() throws ProofVerificationException {
        try (Database db = brokenLog()) {
            AccessLogRepair.Report repaired = AccessLogRepair.run(db, true);
            assertTrue(repaired.repaired(), repaired.describe());
            assertTrue(repaired.describe().contains("witness"), repaired.describe());

            H2AccessLog log = H2AccessLog.in(db);
            assertEquals(8, log.merkleLog().size());
            List<String> ids = new ArrayList<>();
            InMemoryMerkleLog expected = new InMemoryMerkleLog();
            for (int i = 0; i < 8; i++) {
                byte[] entry = log.merkleLog().entry(i);
                expected.append(entry);
                ids.add(eventId(entry));
            }
            assertEquals(List.of("event-0", "event-1", "event-2", "event-5", "event-6", "event-7", "event-8",
                    "event-9"), ids, "every event that was stored is kept, in order");
            assertArrayEquals(expected.root(), log.merkleLog().root(), "subtree hashes agree with the leaves");
            for (int i = 0; i < 8; i++) {
                ProofVerifier.verifyInclusion(i, 8, MerkleHashes.leafHash(log.merkleLog().entry(i)),
                        log.merkleLog().inclusion(i, 8).path(), expected.root());
            }
            // event-5 (EE3) follows event-2 (EE3) at 2; event-6 (EE1) at 4 follows event-0, its predecessor event-3 lost.
            assertEquals(Map.of("EE3", 2L), AccessLinksCheck.linksOf(log, 3));
            assertEquals(Map.of("EE1", 0L), AccessLinksCheck.linksOf(log, 4));
            assertEquals(Map.of("EE2", 1L), AccessLinksCheck.linksOf(log, 5));
            assertEquals(List.of(4L, 7L), log.eventsOf("EE1", 10).stream().map(e -> e.index()).toList().subList(1, 3));

            log.append(AccessLinksCheck.event(10, "EE1"));
            assertEquals(Map.of("EE1", 7L), AccessLinksCheck.linksOf(log, 8), "appends go on from the repaired log");
            assertTrue(AccessLogRepair.run(db, false).consistent());
        }
    }

    @Test
    void consistentLog_nothingToRepair() {
        try (Database db = storage().open(dir.resolve("accesslog"), H2MerkleLog.DATABASE_NAME)) {
            H2AccessLog log = H2AccessLog.in(db);
            for (int i = 0; i < 300; i++) {
                log.append(AccessLinksCheck.event(i, SUBJECTS[i % 3]));
            }
            byte[] root = log.merkleLog().root();
            AccessLogRepair.Report report = AccessLogRepair.run(db, true);
            assertTrue(report.consistent(), report.describe());
            assertFalse(report.repaired());
            assertArrayEquals(root, H2AccessLog.in(db).merkleLog().root());
        }
    }

    private static String eventId(byte[] entry) {
        String json = new String(entry, java.nio.charset.StandardCharsets.UTF_8);
        int at = json.indexOf("\"eventId\":\"") + 11;
        return json.substring(at, json.indexOf('"', at));
    }
}
