package org.xroadng.auditlog.access.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLinksCheck;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

class H2AccessLogTest {

    @TempDir
    Path dir;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link AccessLogPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    private H2AccessLog open() {
        return H2AccessLog.open(storage(), dir.resolve("accesslog"));
    }

    private static AccessEvent event(int n, String... subjects) {
        return new AccessEvent("event-" + n, Instant.parse("2026-03-01T10:00:00Z").plusSeconds(n), "provider",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "GET",
                "/person/" + n, null, null, "tax-assessment", List.of(subjects), "q-" + n, null, "ok");
    }

    @Test
    void eventsOfSubject_onlyThatSubjectsEventsOldestFirstAndProvable() throws ProofVerificationException {
        try (H2AccessLog log = open()) {
            log.append(event(0, "EE1"));
            log.append(event(1, "EE2"));
            log.appendAll(List.of(event(2, "EE1", "EE2"), event(3, "EE3")));

            List<AccessLog.StoredEvent> events = log.eventsOf("EE1", 100);

            assertEquals(List.of(0L, 2L), events.stream().map(AccessLog.StoredEvent::index).toList());
            assertArrayEquals(event(2, "EE1", "EE2").entry(java.util.Map.of("EE1", 0L, "EE2", 1L)),
                    events.get(1).entry());
            long size = log.merkleLog().size();
            log.merkleLog().inclusion(2, size).verify(MerkleHashes.leafHash(events.get(1).entry()),
                    log.merkleLog().root(size));
            assertEquals(List.of(), log.eventsOf("EE9", 100));
        }
    }

    @Test
    void storedEventChangedInTheDatabase_servedAsStoredAndItsProofFails() throws java.sql.SQLException {
        try (H2AccessLog log = open()) {
            log.append(event(0, "EE1"));
            log.append(event(1, "EE1"));
            long size = log.merkleLog().size();
            byte[] root = log.merkleLog().root(size);
            String forged = new String(log.merkleLog().entry(1), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("tax-assessment", "curiosity");
            try (Database tables = storage().open(dir.resolve("accesslog"), H2MerkleLog.DATABASE_NAME)) {
                assertEquals(1, (int) tables.inTransaction(c -> Jdbc.update(c,
                        "UPDATE merkle_leaf SET entry_bytes = ? WHERE leaf_index = 1",
                        (Object) forged.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            }

            AccessLog.StoredEvent served = log.eventsOf("EE1", 10).get(1);

            assertEquals(forged, new String(served.entry(), java.nio.charset.StandardCharsets.UTF_8));
            assertThrows(ProofVerificationException.class, () -> log.merkleLog().inclusion(1, size)
                    .verify(MerkleHashes.leafHash(served.entry()), root));
        }
    }

    @Test
    void links_eachSubjectPointsAtItsLatestEarlierEvent_alsoAfterReopening() {
        try (H2AccessLog log = open()) {
            AccessLinksCheck.appendAndCheckLinks(log);
        }
        try (H2AccessLog log = open()) {
            log.appendAll(List.of(event(5, "EE3", "EE4"), event(6, "EE2")));

            assertEquals(java.util.Map.of("EE3", 3L), AccessLinksCheck.linksOf(log, 5));
            assertEquals(java.util.Map.of("EE2", 2L), AccessLinksCheck.linksOf(log, 6));
        }
    }

    @Test
    void limit_keepsTheNewest() {
        try (H2AccessLog log = open()) {
            for (int i = 0; i < 5; i++) {
                log.append(event(i, "EE1"));
            }
            assertEquals(List.of(3L, 4L), log.eventsOf("EE1", 2).stream().map(AccessLog.StoredEvent::index).toList());
        }
    }

    @Test
    void reopened_keepsEventsAndIndex() {
        try (H2AccessLog log = open()) {
            log.append(event(0, "EE1"));
        }
        try (H2AccessLog log = open()) {
            assertEquals(1, log.merkleLog().size());
            assertEquals(1, log.eventsOf("EE1", 10).size());
            assertEquals(1, log.append(event(1, "EE1")));
        }
    }

    @Test
    void indexRowFails_nothingOfTheAppendKept() {
        try (H2AccessLog log = open()) {
            log.append(event(0, "EE1"));
            String tooLong = "E".repeat(300);

            assertThrows(StoreException.class, () -> log.appendAll(List.of(event(1, "EE1"), event(2, tooLong))));

            assertEquals(1, log.merkleLog().size());
            assertEquals(1, log.eventsOf("EE1", 10).size());
            assertEquals(1, log.append(event(3, "EE1")));
            assertEquals(java.util.Map.of("EE1", 0L), AccessLinksCheck.linksOf(log, 1),
                    "the refused append left nothing behind that later links would follow");
        }
    }
}
