package org.xroadng.auditlog.merkle.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.InclusionProof;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.RootMismatchException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;

class H2MerkleLogTest {

    @TempDir
    Path dir;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link MerkleLogPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    private Database database;

    @BeforeEach
    void open() {
        database = storage().open(dir.resolve("auditlog"), H2MerkleLog.DATABASE_NAME);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static byte[] entry(int i) {
        return ("{\"eventId\":\"e-" + i + "\",\"side\":\"provider\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static void assertSameTree(MerkleLog expected, MerkleLog actual) {
        assertEquals(expected.size(), actual.size());
        long n = actual.size();
        for (long size = 0; size <= n; size++) {
            assertArrayEquals(expected.root(size), actual.root(size), "root " + size);
            for (long index = 0; index < size; index++) {
                assertEquals(expected.inclusion(index, size), actual.inclusion(index, size));
            }
            for (long size1 = 0; size1 <= size; size1++) {
                assertEquals(expected.consistency(size1, size), actual.consistency(size1, size));
            }
        }
        for (long index = 0; index < n; index++) {
            assertArrayEquals(expected.entry(index), actual.entry(index));
        }
    }

    @Test
    void openedToReadWhileAnotherAppends_neverTakesTheGrowthForAGap() throws InterruptedException {
        H2MerkleLog writer = H2MerkleLog.open(database);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread appender = new Thread(() -> {
            int i = 0;
            // Bounded: an appender as fast as it can go grows the table faster than the readers'
            // COUNT(*) (a scan while another transaction writes) can count it, the more so the
            // faster appends get; the first seconds of reads overlap the appends all the same.
            while (running.get() && i < 20_000) {
                writer.appendAll(List.of(entry(i++), entry(i++)));
            }
        });
        appender.start();
        try {
            int reads = 0;
            // Only a read while the appender runs can race with it; once its 20,000 entries are in
            // (within the first few dozen reads, on H2 and PostgreSQL alike), more reads would only
            // open a log nobody writes, which the other tests do.
            while (reads < 200 && appender.isAlive()) {
                // as an operator's tool does while the server runs: its own handle on the same database
                Database reader = storage().open(dir.resolve("auditlog"), H2MerkleLog.DATABASE_NAME);
                try {
                    assertTrue(H2MerkleLog.open(reader).size() >= 0);
                } finally {
                    reader.close();
                }
                reads++;
            }
        } finally {
            running.set(false);
            appender.join();
        }
        assertTrue(writer.size() > 0, "the writer appended meanwhile");
    }

    @Test
    void sameEntries_giveSameRootsAndProofsAsInMemoryLog() {
        MerkleLog reference = new InMemoryMerkleLog();
        MerkleLog log = H2MerkleLog.open(database);
        assertArrayEquals(MerkleHashes.emptyRoot(), log.root());
        for (int i = 0; i < 23; i++) {
            assertEquals(i, log.append(entry(i)));
            reference.append(entry(i));
        }
        List<byte[]> batch = new ArrayList<>();
        for (int i = 23; i < 64; i++) {
            batch.add(entry(i));
            reference.append(entry(i));
        }
        assertEquals(23, log.appendAll(batch));
        assertEquals(64, log.appendAll(List.of()));
        assertSameTree(reference, log);
    }

    @Test
    void appends_storeOnlySubtreesOfHeightFourAndUp_andLowerOnesAreHashedFromTheLeaves() {
        MerkleLog reference = new InMemoryMerkleLog();
        MerkleLog log = H2MerkleLog.open(database);
        for (int i = 0; i < 100; i++) {
            reference.append(entry(i));
        }
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(entry(i));
        }
        log.appendAll(entries);

        // 100 leaves complete 6 subtrees of height 4, 3 of height 5 and 1 of height 6.
        assertEquals(List.of(List.of(4L, 6L), List.of(5L, 3L), List.of(6L, 1L)), database.inTransaction(c -> Jdbc.query(c,
                "SELECT node_height, COUNT(*) FROM merkle_node GROUP BY node_height ORDER BY node_height",
                r -> List.of(r.getLong(1), r.getLong(2)))));
        for (long size : new long[] {1, 2, 3, 15, 16, 17, 31, 33, 64, 99, 100}) {
            assertArrayEquals(reference.root(size), log.root(size), "root " + size);
            for (long index : new long[] {0, size / 2, size - 1}) {
                assertEquals(reference.inclusion(index, size), log.inclusion(index, size));
            }
            assertEquals(reference.consistency(size / 3, size), log.consistency(size / 3, size));
        }
    }

    @Test
    void reopened_keepsRootsAndContinuesAppending() {
        MerkleLog reference = new InMemoryMerkleLog();
        MerkleLog log = H2MerkleLog.open(database);
        for (int i = 0; i < 21; i++) {
            log.append(entry(i));
            reference.append(entry(i));
        }
        byte[] published = log.root();
        database.close();

        database = storage().open(dir.resolve("auditlog"), H2MerkleLog.DATABASE_NAME);
        MerkleLog reopened = H2MerkleLog.open(database);
        assertEquals(21, reopened.size());
        assertArrayEquals(published, reopened.root(21));
        for (int i = 21; i < 40; i++) {
            assertEquals(i, reopened.append(entry(i)));
            reference.append(entry(i));
        }
        assertSameTree(reference, reopened);
    }

    @Test
    void changedStoredEntry_failsInclusionAgainstPublishedRoot() throws ProofVerificationException {
        MerkleLog log = H2MerkleLog.open(database);
        for (int i = 0; i < 13; i++) {
            log.append(entry(i));
        }
        byte[] published = log.root(13);
        long victim = 6;
        log.inclusion(victim, 13).verify(MerkleHashes.leafHash(log.entry(victim)), published);

        byte[] forged = "{\"eventId\":\"e-6\",\"side\":\"consumer\"}".getBytes(StandardCharsets.UTF_8);
        database.inTransaction(c -> Jdbc.update(c,
                "UPDATE merkle_leaf SET entry_bytes = ? WHERE leaf_index = ?", forged, victim));
        assertArrayEquals(forged, log.entry(victim));
        InclusionProof proof = log.inclusion(victim, 13);
        RootMismatchException e = assertThrows(RootMismatchException.class,
                () -> proof.verify(MerkleHashes.leafHash(log.entry(victim)), published));
        assertArrayEquals(published, e.expectedRoot());

        // Rewriting the stored leaf hash as well does not help the forger.
        database.inTransaction(c -> Jdbc.update(c,
                "UPDATE merkle_leaf SET leaf_hash = ? WHERE leaf_index = ?", MerkleHashes.leafHash(forged), victim));
        assertThrows(RootMismatchException.class,
                () -> log.inclusion(victim, 13).verify(MerkleHashes.leafHash(log.entry(victim)), published));
    }

    @Test
    void concurrentAppends_getDistinctIndexesAndOneTree() throws InterruptedException, ExecutionException {
        H2MerkleLog log = H2MerkleLog.open(database);
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<Long>> work = () -> {
                    List<Long> indexes = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        indexes.add(log.append(entry(thread * 1000 + i)));
                    }
                    return indexes;
                };
                results.add(pool.submit(work));
            }
            Set<Long> seen = new HashSet<>();
            for (Future<List<Long>> r : results) {
                seen.addAll(r.get());
            }
            assertEquals(threads * perThread, seen.size());
        } finally {
            pool.shutdown();
        }
        assertEquals(threads * perThread, log.size());
        List<byte[]> inOrder = new ArrayList<>();
        for (long i = 0; i < log.size(); i++) {
            inOrder.add(log.entry(i));
        }
        assertArrayEquals(MerkleHashes.treeHash(inOrder), log.root());
    }

    @Test
    void largeBatch_rootEqualsTreeHashAndUpperSubtreesAreCached() throws ProofVerificationException {
        H2MerkleLog log = H2MerkleLog.open(database);
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            entries.add(entry(i));
        }
        log.appendAll(entries.subList(0, 1000));
        log.appendAll(entries.subList(1000, 3000));
        byte[] root = log.root();
        assertArrayEquals(MerkleHashes.treeHash(entries), root);
        assertArrayEquals(MerkleHashes.treeHash(entries.subList(0, 1500)), log.root(1500));
        log.inclusion(2047, 3000).verify(MerkleHashes.leafHash(entries.get(2047)), root);
        log.consistency(1500, 3000).verify(log.root(1500), root);

        database.close();
        database = storage().open(dir.resolve("auditlog"), H2MerkleLog.DATABASE_NAME);
        H2MerkleLog reopened = H2MerkleLog.open(database);
        assertArrayEquals(root, reopened.root());
    }

    @Test
    void removedRow_isRefusedOnOpenNamingTheGapAndTheRepair() {
        MerkleLog log = H2MerkleLog.open(database);
        for (int i = 0; i < 5; i++) {
            log.append(entry(i));
        }
        database.inTransaction(c -> Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index = 2"));
        MerkleStoreException e = assertThrows(MerkleStoreException.class, () -> H2MerkleLog.open(database));
        assertTrue(e.getMessage().contains("4 leaves but its highest index is 4")
                && e.getMessage().contains("xroad server repair"), e.getMessage());
    }

    @Test
    void outsideTheLog_isRefused() {
        MerkleLog log = H2MerkleLog.open(database);
        log.append(entry(0));
        assertThrows(IllegalArgumentException.class, () -> log.root(2));
        assertThrows(IllegalArgumentException.class, () -> log.inclusion(1, 1));
        assertThrows(IllegalArgumentException.class, () -> log.consistency(1, 2));
        assertThrows(IllegalArgumentException.class, () -> log.entry(1));
        assertThrows(NullPointerException.class, () -> log.append(null));
    }
}
