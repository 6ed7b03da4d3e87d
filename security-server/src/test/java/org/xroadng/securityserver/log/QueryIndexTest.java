package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.store.Jdbc;

/**
 * The embedded log finds a query's records through {@link QueryIndex} files and a scan of what
 * they do not cover: every exchange is found whether its rows are filed, merged, unfiled, in a
 * damaged file or in a merge's leftover input; files of archived rows go.
 */
class QueryIndexTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:01Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private H2MessageLog open() throws MessageLogException {
        return H2MessageLog.open(dir.resolve("messagelog"), LogFixtures.key(3), new BouncyCastleProvider(),
                new SecureRandom(), CLOCK, MessageLogSettings.defaults(), MessageLogListener.NONE);
    }

    /** Logs exchanges q-0 .. q-(n-1) (two rows each), then q-reused again: its newest exchange is the one found. */
    private static List<String> logExchanges(H2MessageLog log, int n) {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String queryId = i == 3 ? "q-reused" : "q-" + i;
            ids.add(queryId);
            done.add(log.append(LogFixtures.providerExchange(queryId, "/person/" + i, List.of(), AT)));
        }
        done.add(log.append(LogFixtures.providerExchange("q-reused", "/person/again", List.of(), AT)));
        done.forEach(CompletableFuture::join);
        return ids;
    }

    private static List<Path> indexFiles(H2MessageLog log) throws IOException {
        Path indexDir = log.queryIndexDir().orElseThrow();
        if (!Files.isDirectory(indexDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(indexDir)) {
            return files.sorted().toList();
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(f -> f.getFileName().toString()).toList();
    }

    /** Every exchange is found on its side with its own rows, and none on the other side. */
    private static void assertAllFound(H2MessageLog log, List<String> queryIds) throws MessageLogException {
        for (int i = 0; i < queryIds.size(); i++) {
            String queryId = queryIds.get(i);
            Optional<StoredExchange> found = log.find(queryId, "provider");
            assertTrue(found.isPresent(), queryId + " found");
            String path = queryId.equals("q-reused") ? "/person/again" : "/person/" + i;
            assertEquals(path, found.get().exchange().path(), queryId + ": its newest exchange");
            assertEquals(found.get().requestRecordId() + 1, found.get().responseRecordId());
            assertTrue(log.find(queryId, "consumer").isEmpty(), queryId + " is not a consumer's");
        }
        assertTrue(log.find("q-never", "provider").isEmpty());
    }

    @Test
    void sealedRows_foundThroughTheFiles_andNewerRowsByScanning() throws MessageLogException, IOException,
            InterruptedException, SQLException {
        try (H2MessageLog log = open()) {
            List<String> queryIds = logExchanges(log, 23); // rows 1..48
            log.sealQueryIndex(10);

            // four whole chunks of ten rows filed; rows 41..48 wait for a whole chunk
            assertEquals(List.of("q0-1-10.idx", "q0-11-20.idx", "q0-21-30.idx", "q0-31-40.idx"), names(indexFiles(log)));
            assertAllFound(log, queryIds);

            QueryIndex.Lookup lookup = new QueryIndex(log.queryIndexDir().orElseThrow(), 10).lookup("q-5");
            assertEquals(List.of(new QueryIndex.Range(1, 40)), merged(lookup.covered()));
            assertEquals(List.of(11L, 12L), sorted(lookup.candidates()), "q-5's request and response rows");
            assertEquals(List.of(new QueryIndex.Range(41, 48)), lookup.uncovered(1, 48));
        }
        try (Connection c = DriverManager.getConnection(H2MessageLog.jdbcUrl(dir.resolve("messagelog")), "messagelog", "")) {
            assertEquals(0, Jdbc.count(c, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'MESSAGE_RECORD'"
                    + " AND INDEX_NAME = 'MESSAGE_RECORD_QUERY'"), "the H2 index on query_id is gone (V9)");
        }
        try (H2MessageLog reopened = open()) {
            assertEquals(4, indexFiles(reopened).size(), "the files outlive the process");
            assertAllFound(reopened, logged(23));
        }
    }

    @Test
    void sixteenFilesOfALevel_mergedIntoOneOfTheNext_andEverythingStillFound() throws MessageLogException,
            IOException, InterruptedException {
        try (H2MessageLog log = open()) {
            List<String> queryIds = logExchanges(log, 40); // rows 1..82
            log.sealQueryIndex(2); // 41 files of two rows: rows 1..64 merge into 2 of level 1

            assertEquals(List.of("q0-65-66.idx", "q0-67-68.idx", "q0-69-70.idx", "q0-71-72.idx", "q0-73-74.idx",
                    "q0-75-76.idx", "q0-77-78.idx", "q0-79-80.idx", "q0-81-82.idx", "q1-1-32.idx", "q1-33-64.idx"),
                    names(indexFiles(log)));
            assertAllFound(log, queryIds);
        }
    }

    @Test
    void damagedFile_leftOutByLookups_thenDeletedAndWrittenAgain() throws MessageLogException, IOException,
            InterruptedException {
        try (H2MessageLog log = open()) {
            List<String> queryIds = logExchanges(log, 10); // rows 1..22
            log.sealQueryIndex(10);
            Path file = log.queryIndexDir().orElseThrow().resolve("q0-11-20.idx");
            byte[] good = Files.readAllBytes(file);
            byte[] bad = good.clone();
            bad[40] ^= 1; // inside the first entry
            Files.write(file, bad);

            QueryIndex fresh = new QueryIndex(log.queryIndexDir().orElseThrow(), 10);
            assertEquals(List.of(new QueryIndex.Range(1, 10)), fresh.lookup("q-7").covered(),
                    "the damaged file is not trusted; its rows are scanned");
            assertAllFound(log, queryIds);

            log.sealQueryIndex(10);
            assertTrue(Files.exists(file), "written again");
            org.junit.jupiter.api.Assertions.assertArrayEquals(good, Files.readAllBytes(file));
        }
    }

    @Test
    void mergeCutShort_inputsBesideTheMergedFile_theMergedOneUsedAndInputsDeleted() throws MessageLogException,
            IOException, InterruptedException {
        try (H2MessageLog log = open()) {
            List<String> queryIds = logExchanges(log, 16); // rows 1..34
            Path indexDir = log.queryIndexDir().orElseThrow();
            log.sealQueryIndex(2);
            assertTrue(names(indexFiles(log)).contains("q1-1-32.idx"));
            // a crash after the merged file was renamed into place, before its inputs were deleted
            Path spare = dir.resolve("spare");
            Files.createDirectories(spare);
            new QueryIndex(spare, 2).seal(log.database(), 2);
            Files.copy(spare.resolve("q0-3-4.idx"), indexDir.resolve("q0-3-4.idx"), StandardCopyOption.REPLACE_EXISTING);

            assertEquals(List.of(new QueryIndex.Range(1, 32), new QueryIndex.Range(33, 34)),
                    new QueryIndex(indexDir, 2).lookup("q-1").covered(), "the wider file wins");
            assertAllFound(log, queryIds);
            log.sealQueryIndex(2);
            assertFalse(Files.exists(indexDir.resolve("q0-3-4.idx")), "the leftover input is deleted");
        }
    }

    @Test
    void archivedRows_filesWhollyBelowTheOldestRowDeleted() throws MessageLogException, IOException,
            InterruptedException, SQLException {
        try (H2MessageLog log = open()) {
            logExchanges(log, 10); // rows 1..22
            log.sealQueryIndex(5);
            assertEquals(List.of("q0-1-5.idx", "q0-11-15.idx", "q0-16-20.idx", "q0-6-10.idx"), names(indexFiles(log)));
            log.database().inTransaction(c -> Jdbc.update(c, "DELETE FROM message_record WHERE id <= 12"));

            log.sealQueryIndex(5);
            assertEquals(List.of("q0-11-15.idx", "q0-16-20.idx"), names(indexFiles(log)));
            assertTrue(log.find("q-2", "provider").isEmpty(), "archived away");
            assertEquals("/person/7", log.find("q-7", "provider").orElseThrow().exchange().path());
        }
    }

    @Test
    void filesOfAnotherHistory_notTrusted_thenReplaced() throws MessageLogException, IOException,
            InterruptedException {
        Path indexDir;
        try (H2MessageLog log = open()) {
            logExchanges(log, 10); // rows 1..22
            log.sealQueryIndex(10);
            indexDir = log.queryIndexDir().orElseThrow();
        }
        List<String> before = names(Files.list(indexDir).sorted().toList());
        assertEquals(List.of("q0-1-10.idx", "q0-11-20.idx"), before);
        // the operator starts the log afresh (table and journal gone) and leaves the index directory
        Files.delete(dir.resolve("messagelog.mv.db"));
        try (Stream<Path> journal = Files.walk(H2MessageLog.journalDir(dir.resolve("messagelog")))) {
            for (Path p : journal.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        try (H2MessageLog log = open()) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < 11; i++) {
                done.add(log.append(LogFixtures.providerExchange("other-" + i, "/other/" + i, List.of(), AT)));
            }
            done.forEach(CompletableFuture::join);

            for (int i = 0; i < 11; i++) {
                assertEquals("/other/" + i, log.find("other-" + i, "provider").orElseThrow().exchange().path(),
                        "the old files claim ids 1..20 for other queries: not trusted, so rows are scanned");
            }
            assertTrue(log.find("q-5", "provider").isEmpty());
            log.sealQueryIndex(10);
            byte[] rewritten = Files.readAllBytes(indexDir.resolve("q0-1-10.idx"));
            assertEquals(List.of(new QueryIndex.Range(1, 10), new QueryIndex.Range(11, 20)),
                    new QueryIndex(indexDir, 10).lookup("other-2").covered());
            assertEquals(List.of(5L, 6L), sorted(new QueryIndex(indexDir, 10).lookup("other-2").candidates()),
                    "the files were written again for this history");
            assertTrue(rewritten.length > 0);
        }
    }

    @Test
    void lookup_onAMissingDirectory_coversNothing() {
        QueryIndex.Lookup lookup = new QueryIndex(dir.resolve("none"), 10).lookup("q-1");
        assertEquals(0, lookup.candidates().length);
        assertEquals(List.of(new QueryIndex.Range(1, 9)), lookup.uncovered(1, 9));
    }

    @Test
    void uncovered_theGapsBetweenAroundAndAfterTheFiles() {
        byte[] hash = new byte[32];
        QueryIndex.Lookup lookup = new QueryIndex.Lookup(new long[0], List.of(
                new QueryIndex.Span(new QueryIndex.Range(5, 9), hash), new QueryIndex.Span(new QueryIndex.Range(10, 14), hash),
                new QueryIndex.Span(new QueryIndex.Range(20, 29), hash)));
        assertEquals(List.of(new QueryIndex.Range(1, 4), new QueryIndex.Range(15, 19), new QueryIndex.Range(30, 31)),
                lookup.uncovered(1, 31));
        assertEquals(List.of(new QueryIndex.Range(15, 16)), lookup.uncovered(12, 16));
        assertEquals(List.of(), lookup.uncovered(20, 25));
    }

    private static List<String> logged(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i == 3 ? "q-reused" : "q-" + i);
        }
        return ids;
    }

    private static List<Long> sorted(long[] ids) {
        return java.util.Arrays.stream(ids).sorted().boxed().toList();
    }

    /** Adjacent ranges joined. */
    private static List<QueryIndex.Range> merged(List<QueryIndex.Range> ranges) {
        List<QueryIndex.Range> out = new ArrayList<>();
        for (QueryIndex.Range r : ranges) {
            if (!out.isEmpty() && out.get(out.size() - 1).last() + 1 == r.first()) {
                out.set(out.size() - 1, new QueryIndex.Range(out.get(out.size() - 1).first(), r.last()));
            } else {
                out.add(r);
            }
        }
        return out;
    }
}
