package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Provider;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.FaultyDisk;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.log.journal.Frames;
import org.xroadng.securityserver.log.journal.Journal;
import org.xroadng.securityserver.log.journal.JournalException;
import org.xroadng.securityserver.log.journal.SegmentReader;

/**
 * The message log with its access log, both kept through one journal: what an exchange leaves in
 * each, one device flush for both, refused attempts, and what a restart does when H2 lost what the
 * journal kept (a crash before H2 wrote its file): the journal is replayed, byte for byte.
 */
class JournaledLogTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final MessageLogKey KEY = LogFixtures.key(7);

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.fixed(AT, ZoneOffset.UTC);

    @TempDir
    Path dir;


    private static ExchangeRecord exchange(String queryId, List<String> subjects) {
        return LogFixtures.providerExchange(queryId, "/person/EE1", subjects, AT);
    }

    private H2MessageLog open() throws MessageLogException {
        return H2MessageLog.open(dir.resolve("messagelog"), dir.resolve("accesslog"), KEY, bc, random, clock,
                MessageLogSettings.defaults(), MessageLogListener.NONE);
    }

    private H2MessageLog open(FaultyDisk disk) throws MessageLogException {
        return H2MessageLog.open(disk.jdbcUrl("messagelog", ""), disk.jdbcUrl("accesslog", ""),
                disk.dir().resolve("messagelog-journal"), Journal.Settings.defaults(), disk::openChannel, KEY, bc,
                random, clock, MessageLogSettings.defaults(), MessageLogListener.NONE);
    }

    private static void appendAll(H2MessageLog log, String prefix, int count, List<String> subjects)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(log.append(exchange(prefix + i, subjects)));
        }
        for (CompletableFuture<Void> future : futures) {
            future.get(10, TimeUnit.SECONDS);
        }
        log.awaitTables(); // answered once durable in the journal; in the tables right after
    }

    private static long intactRecords(H2MessageLog log) throws MessageLogException {
        ChainVerification chain = log.verifyChain();
        assertInstanceOf(ChainVerification.Intact.class, chain, chain.toString());
        return ((ChainVerification.Intact) chain).records();
    }

    /** The access log as queries read it: holding every exchange answered so far. */
    private static AccessLog accessLog(H2MessageLog log) {
        log.awaitTables();
        return log.acknowledgedAccessLog().orElseThrow();
    }

    @Test
    void exchangeWithSubjects_bothLogsHoldItAndTheEventProves()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException,
            ProofVerificationException {
        try (H2MessageLog log = open()) {
            appendAll(log, "q-", 3, List.of("EE1"));
            appendAll(log, "plain-", 2, List.of());

            assertEquals(10, intactRecords(log), "five exchanges, two rows each");
            MerkleLog merkle = accessLog(log).merkleLog();
            assertEquals(3, merkle.size(), "one event per exchange naming a subject, none for the others");
            List<AccessLog.StoredEvent> events = accessLog(log).eventsOf("EE1", 10);
            assertEquals(List.of(0L, 1L, 2L), events.stream().map(AccessLog.StoredEvent::index).toList());
            String latest = new String(events.get(2).entry(), StandardCharsets.UTF_8);
            assertTrue(latest.contains("\"queryId\":\"q-2\"") && latest.contains("\"previous\":{\"EE1\":1}"), latest);
            merkle.inclusion(2, 3).verify(MerkleHashes.leafHash(events.get(2).entry()), merkle.root(3));
        }
    }

    @Test
    void refusedAttempt_anAccessEventAndNoMessageRecord()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        try (H2MessageLog log = open()) {
            log.refused(exchange("refused-1", List.of("EE2")), "Server.ServerProxy.AccessDenied")
                    .get(10, TimeUnit.SECONDS);
            log.refused(exchange("refused-2", List.of()), "Server.ServerProxy.AccessDenied").get(10, TimeUnit.SECONDS);

            assertEquals(0, intactRecords(log), "the message log keeps signed exchanges only");
            List<AccessLog.StoredEvent> events = accessLog(log).eventsOf("EE2", 10);
            assertEquals(1, events.size());
            assertTrue(new String(events.get(0).entry(), StandardCharsets.UTF_8)
                    .contains("\"outcome\":\"refused Server.ServerProxy.AccessDenied\""));
        }
    }

    @Test
    void asyncDurability_anAccessEventIsStillDurableBeforeTheAnswer()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        try (H2MessageLog log = H2MessageLog.open(dir.resolve("messagelog"), dir.resolve("accesslog"), KEY, bc, random,
                clock, MessageLogSettings.defaults().withDurability(Durability.ASYNC), MessageLogListener.NONE)) {
            for (int i = 0; i < 20; i++) {
                log.append(exchange("async-" + i, List.of("EE" + i))).get(10, TimeUnit.SECONDS);
                assertEquals(1, accessLog(log).eventsOf("EE" + i, 10).size(), "event " + i + " written before");
            }
        }
    }

    @Test
    void openedWhileItsServerRuns_readsWhatTheServerStoredAndWritesNothing()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        try (H2MessageLog server = open()) {
            appendAll(server, "q-", 3, List.of("EE1"));
            try (H2MessageLog tool = open()) {
                assertTrue(tool.find("q-2", "provider").isPresent(), "an operator's tool reads the running server's log");
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> tool.append(exchange("tool", List.of())).get(10, TimeUnit.SECONDS));
                assertTrue(refused.getCause().getMessage().contains("opened while its server runs"),
                        refused.getCause().getMessage());
            }
            appendAll(server, "later-", 3, List.of("EE1"));
        }
        try (H2MessageLog log = open()) {
            assertEquals(12, intactRecords(log), "the tool left the server's journal and tables as they were");
            assertEquals(6, accessLog(log).merkleLog().size());
        }
    }

    @Test
    void manyConcurrentExchanges_everyOneInBothLogsWithDistinctIndexes()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        try (H2MessageLog log = open()) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < 50; i++) {
                        CompletableFuture<Void> future = log.append(exchange("t" + thread + "-" + i,
                                List.of("EE" + (i % 5))));
                        synchronized (futures) {
                            futures.add(future);
                        }
                    }
                });
                threads.add(sender);
                sender.start();
            }
            for (Thread sender : threads) {
                sender.join();
            }
            for (CompletableFuture<Void> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
            assertEquals(800, intactRecords(log));
            assertEquals(400, accessLog(log).merkleLog().size());
            Set<Long> indexes = new HashSet<>();
            for (int s = 0; s < 5; s++) {
                accessLog(log).eventsOf("EE" + s, 1000).forEach(e -> indexes.add(e.index()));
            }
            assertEquals(400, indexes.size(), "every event once, each subject's events found");
        }
    }

    /** The log in {@code dir} with journal segments of {@code segmentBytes}. */
    private H2MessageLog open(long segmentBytes) throws MessageLogException {
        return H2MessageLog.open(H2MessageLog.jdbcUrl(dir.resolve("messagelog")),
                H2MessageLog.jdbcUrl(dir.resolve("accesslog")), H2MessageLog.journalDir(dir.resolve("messagelog")),
                new Journal.Settings(segmentBytes), FileChannel::open, KEY, bc, random, clock,
                MessageLogSettings.defaults(), MessageLogListener.NONE);
    }

    /** Each exchange acknowledged before the next is sent: one journal append each, so 4 KiB segments fill. */
    private static void appendOneByOne(H2MessageLog log, String prefix, int count)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (int i = 0; i < count; i++) {
            log.append(exchange(prefix + i, List.of("EE1"))).get(10, TimeUnit.SECONDS);
        }
        log.awaitTables();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(H2MessageLog.journalDir(dir.resolve("messagelog")))) {
            return files.filter(f -> f.toString().endsWith(".journal")).sorted().toList();
        }
    }

    private Connection messageLogDatabase() throws SQLException {
        return DriverManager.getConnection(H2MessageLog.jdbcUrl(dir.resolve("messagelog")), "messagelog", "");
    }

    private long messageLogQuery(String sql) throws SQLException {
        try (Connection c = messageLogDatabase()) {
            return Jdbc.count(c, sql);
        }
    }

    /** Where record {@code id}'s journal entry is, as its index row says. */
    private RecordTable.Location locationOf(long id) throws SQLException {
        try (Connection c = messageLogDatabase()) {
            return locationOf(c, id);
        }
    }

    private static RecordTable.Location locationOf(Connection c, long id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT journal_segment, journal_offset FROM message_record WHERE id = ?",
                r -> new RecordTable.Location(r.getLong(1), r.getLong(2)), id).orElseThrow();
    }

    @Test
    void requestsFromManySigners_entriesReferToEntriesThatReferFurther_readAndReplayedAsWritten()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        // Requests from four signers in turn, responses all from one: an entry whose request is the
        // first from its signer in the group refers back for its response, and a later request from
        // that signer refers to it.
        List<String> signers = List.of("A", "B", "C", "D").stream().map(s -> s + "x".repeat(700)).toList();
        List<ExchangeRecord> sent = new ArrayList<>();
        try (H2MessageLog log = open()) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                ExchangeRecord exchange = LogFixtures.providerExchange("m-" + i, "/person/EE1", List.of("EE1"), AT,
                        signers.get(i % signers.size()));
                sent.add(exchange);
                futures.add(log.append(exchange));
            }
            for (CompletableFuture<Void> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
            log.awaitTables();
            assertEquals(160, intactRecords(log), "the chain reads through every reference");
        }
        assertTrue(entriesSharingHeaders(160) > 0, "exchanges appended together share their signatures' beginnings");
        Files.delete(dir.resolve("messagelog.mv.db"));
        Files.delete(dir.resolve("accesslog.mv.db"));
        try (H2MessageLog log = open()) {
            assertEquals(160, intactRecords(log), "every exchange is replayed from the journal");
            for (ExchangeRecord exchange : sent) {
                assertEquals(exchange.requestSignature(), log.find(exchange.queryId(), "provider").orElseThrow()
                        .exchange().requestSignature(), exchange.queryId());
            }
        }
    }

    /** How many of the journal entries of records 1 to {@code records} refer to an earlier entry's header. */
    private long entriesSharingHeaders(long records) throws SQLException, IOException {
        java.util.Set<RecordTable.Location> shared = new java.util.HashSet<>();
        // One connection for all the lookups: each connection to the closed database opens it again.
        try (Connection c = messageLogDatabase();
             SegmentReader reader = new SegmentReader(H2MessageLog.journalDir(dir.resolve("messagelog")),
                     FileChannel::open)) {
            for (long id = 1; id <= records; id++) {
                RecordTable.Location at = locationOf(c, id);
                if (reader.read(at.segment(), at.offset())[4] == JournalEntry.VERSION_3) {
                    shared.add(at);
                }
            }
        } catch (JournalException e) {
            throw new IOException(e);
        }
        return shared.size();
    }

    @Test
    void records_liveInTheJournal_whoseSegmentsStayUntilNoRecordReferToThem()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        try (H2MessageLog log = open(Journal.Settings.MIN_SEGMENT_BYTES)) {
            appendOneByOne(log, "q-", 30);
        }
        int written = segmentFiles().size();
        assertTrue(written > 4, written + " segments of 4 KiB for 30 exchanges");
        assertEquals(0, messageLogQuery("SELECT COUNT(*) FROM message_record WHERE signature IS NOT NULL"
                + " OR body_sealed IS NOT NULL OR client IS NOT NULL"), "the tables hold index rows only");
        assertEquals(30, messageLogQuery("SELECT indexed_through FROM journal_state"),
                "both databases were forced with all 30 entries in them");

        try (H2MessageLog log = open(Journal.Settings.MIN_SEGMENT_BYTES)) {
            assertEquals(written, segmentFiles().size(), "no segment is deleted while its records are in the log");
            assertEquals("{\"name\":\"q-0\"}", new String(log.find("q-0", "provider").orElseThrow().exchange()
                    .responseBody(), StandardCharsets.UTF_8), "the first exchange, from the first segment");
            assertEquals(60, intactRecords(log));
            assertEquals(LogFixtures.requestSignature("q-3"), log.fieldsOf(7).orElseThrow().signature());
        }
        // What archiving does to the tables: the records of the first 20 exchanges leave them.
        try (Connection c = messageLogDatabase()) {
            Jdbc.update(c, "DELETE FROM message_record WHERE id <= 40");
        }

        try (H2MessageLog log = open(Journal.Settings.MIN_SEGMENT_BYTES)) {
            int left = segmentFiles().size();
            assertTrue(left < written, "segments holding only archived records are deleted: " + left + " of " + written);
            assertTrue(log.find("q-0", "provider").isEmpty());
            assertEquals("{\"name\":\"q-20\"}", new String(log.find("q-20", "provider").orElseThrow().exchange()
                    .responseBody(), StandardCharsets.UTF_8), "the oldest record left is still read");
            appendOneByOne(log, "after-", 3);
            assertTrue(log.find("after-2", "provider").isPresent());
        }
    }

    @Test
    void damageInAnIndexedSegment_opensAndIsNamedWhenItsRecordIsRead()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        try (H2MessageLog log = open(Journal.Settings.MIN_SEGMENT_BYTES)) {
            appendOneByOne(log, "q-", 30);
        }
        RecordTable.Location damaged = locationOf(3);
        long offset = damaged.offset();
        Frames.flipPayloadBit(H2MessageLog.journalDir(dir.resolve("messagelog")), damaged.segment(), offset, 40);

        // Opening does not read the segments whose entries the tables hold; reading the record does.
        try (H2MessageLog log = open(Journal.Settings.MIN_SEGMENT_BYTES)) {
            MessageLogException e = assertThrows(MessageLogException.class, () -> log.find("q-1", "provider"));
            assertTrue(e.getMessage().contains("CRC32C mismatch") && e.getMessage().contains("offset " + offset),
                    e.getMessage());
            ChainVerification.Broken broken = assertInstanceOf(ChainVerification.Broken.class, log.verifyChain());
            assertEquals(3, broken.recordId());
            assertTrue(log.find("q-29", "provider").isPresent(), "the other records are read");
        }
    }

    @Test
    void damageToAnIndexedEntryOfTheLastSegment_isRefusedNotCutOffAsATornWrite()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "q-", 3);
        }
        Path journal = H2MessageLog.journalDir(dir.resolve("messagelog"));
        long offset = locationOf(3).offset();
        Path file = Frames.segmentFile(journal, 1);
        long size = Files.size(file);
        Frames.flipPayloadBit(journal, 1, offset, 40);

        MessageLogException e = assertThrows(MessageLogException.class, this::open);
        assertTrue(e.getMessage().contains(file + ", offset " + offset) && e.getMessage().contains("entry 2 was committed"),
                e.getMessage());
        assertEquals(size, Files.size(file), "the entries after the damage are kept for the operator");
    }

    @Test
    void slowForcingOfTheTables_doesNotHoldUpExchanges()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (H2MessageLog log = open(disk)) {
            appendOneByOne(log, "before-", 2);
            int syncsBefore = disk.syncs();
            disk.slowDatabaseSyncs(4_000);
            // The tables are forced every 2 s: the next forcing starts within this wait and takes 4 s.
            Thread.sleep((H2MessageLog.INDEX_SYNC_SECONDS + 1) * 1000L);

            long start = System.nanoTime();
            appendOneByOne(log, "during-", 3);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(disk.syncs() > syncsBefore, "the tables were being forced");
            assertTrue(millis < 2_000, "three exchanges took " + millis + " ms while the tables were forced");
            disk.slowDatabaseSyncs(0);
        }
        try (H2MessageLog log = open()) {
            assertEquals(10, intactRecords(log), "every exchange is in the tables after the close");
        }
    }

    @Test
    void h2LostEverything_restartReplaysTheJournal()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        byte[] root;
        try (H2MessageLog log = open()) {
            // More than one replay transaction (256 rows and events) holds them.
            appendAll(log, "q-", 120, List.of("EE1", "EE2"));
            root = accessLog(log).merkleLog().root();
        }
        assertTrue(entriesSharingHeaders(240) > 0, "exchanges appended together share their signers' headers,"
                + " so the replay below follows references back");
        // As after a crash before H2 wrote anything: the journal is all that is left.
        Files.delete(dir.resolve("messagelog.mv.db"));
        Files.delete(dir.resolve("accesslog.mv.db"));

        try (H2MessageLog log = open()) {
            assertEquals(240, intactRecords(log), "every acknowledged exchange is back");
            assertTrue(log.find("q-119", "provider").isPresent());
            assertEquals("{\"name\":\"q-7\"}", new String(log.find("q-7", "provider").orElseThrow().exchange()
                    .responseBody(), StandardCharsets.UTF_8), "bodies decrypt: sealed bytes were kept as they were");
            assertEquals(120, accessLog(log).merkleLog().size());
            assertEquals(120, accessLog(log).eventsOf("EE2", 1000).size(), "the subject index is back too");
            assertTrue(Arrays.equals(root, accessLog(log).merkleLog().root()), "the same tree, leaf for leaf");
            appendAll(log, "after-", 2, List.of("EE1"));
            assertEquals(244, intactRecords(log), "the chain goes on from the replayed head");
            assertEquals(122, accessLog(log).merkleLog().size());
        }
    }

    @Test
    void h2LostItsTail_restartReplaysOnlyWhatItLacks()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException {
        try (H2MessageLog log = open()) {
            appendAll(log, "early-", 5, List.of("EE1"));
        }
        Path saved = Files.createDirectory(dir.resolve("saved"));
        Files.copy(dir.resolve("messagelog.mv.db"), saved.resolve("messagelog.mv.db"));
        Files.copy(dir.resolve("accesslog.mv.db"), saved.resolve("accesslog.mv.db"));
        try (H2MessageLog log = open()) {
            appendAll(log, "late-", 5, List.of("EE1"));
        }
        // H2's files as they were before the last five: the journal still holds those.
        Files.copy(saved.resolve("messagelog.mv.db"), dir.resolve("messagelog.mv.db"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(saved.resolve("accesslog.mv.db"), dir.resolve("accesslog.mv.db"),
                StandardCopyOption.REPLACE_EXISTING);

        try (H2MessageLog log = open()) {
            assertEquals(20, intactRecords(log));
            assertTrue(log.find("late-4", "provider").isPresent());
            assertEquals(10, accessLog(log).merkleLog().size());
            assertEquals(10, accessLog(log).eventsOf("EE1", 100).size());
        }
    }

    /**
     * What H2 does when it reopens its file after a storage failure while the server runs: the
     * newest rows, and the {@code journal_state} mark with them, are as they were at an older
     * version. Here the rows of the last two exchanges go and the mark says only the first entry
     * is indexed.
     */
    private void loseTheNewestRows(long keptRecords, long markedEntry) throws SQLException {
        try (Connection c = messageLogDatabase()) {
            Jdbc.update(c, "DELETE FROM message_record WHERE id > ?", keptRecords);
            Jdbc.update(c, "UPDATE journal_state SET indexed_through = ? WHERE id = 1", markedEntry);
        }
    }

    private static void awaitIntactRecords(H2MessageLog log, long records) throws MessageLogException,
            InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ChainVerification chain = log.verifyChain();
            if (chain instanceof ChainVerification.Intact intact && intact.records() == records
                    && log.unavailable().isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the tables are brought up to the journal: " + chain + ", "
                    + log.unavailable());
            Thread.sleep(50);
        }
    }

    @Test
    void tablesLoseTheirNewestRowsWhileRunning_theNextBatchIsNotStoredAfterTheGap()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, SQLException {
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "a-", 3);
            loseTheNewestRows(2, 1);
            // Stored after record 2 this exchange would leave records 3 to 6 in the journal only, and the
            // chain broken; the writer sees the table does not end where its chain does and catches up.
            log.append(exchange("b-0", List.of("EE1"))).get(10, TimeUnit.SECONDS);
            appendOneByOne(log, "b-1", 1);
            awaitIntactRecords(log, 10);
            for (String id : List.of("a-0", "a-1", "a-2", "b-0", "b-10")) {
                assertTrue(log.find(id, "provider").isPresent(), id);
            }
        }
        try (H2MessageLog log = open()) {
            assertEquals(10, intactRecords(log));
            assertEquals(5, accessLog(log).merkleLog().size());
        }
    }

    @Test
    void tablesLoseTheirNewestRowsWhileRunning_theIndexerDoesNotMarkThemIndexed()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, SQLException {
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "a-", 3);
            loseTheNewestRows(2, 1);
            // The indexer forces the tables every 2 s: marking entry 3 indexed now would keep records
            // 3 to 6 from ever being replayed.
            Thread.sleep(TimeUnit.SECONDS.toMillis(H2MessageLog.INDEX_SYNC_SECONDS) + 1500);
            awaitIntactRecords(log, 6);
            appendOneByOne(log, "b-", 1);
            awaitIntactRecords(log, 8);
            for (String id : List.of("a-0", "a-1", "a-2", "b-0")) {
                assertTrue(log.find(id, "provider").isPresent(), id);
            }
        }
        try (H2MessageLog log = open()) {
            assertEquals(8, intactRecords(log));
        }
    }

    @Test
    void markOutlivedTheRowsItCovers_openReplaysTheWholeJournalInsteadOfGoingOnFromTheTable()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, SQLException {
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "a-", 3);
        }
        // The mark (entry 3, written at close) stays; the rows of entries 2 and 3 go. Going on from the
        // table's last row, the chain would stay intact and a-1 and a-2 would be lost without a trace.
        try (Connection c = messageLogDatabase()) {
            Jdbc.update(c, "DELETE FROM message_record WHERE id > 2");
            assertEquals(3, Jdbc.count(c, "SELECT indexed_through FROM journal_state"));
        }
        try (H2MessageLog log = open()) {
            assertEquals(6, intactRecords(log));
            appendOneByOne(log, "b-", 1);
            assertEquals(8, intactRecords(log));
            for (String id : List.of("a-0", "a-1", "a-2", "b-0")) {
                assertTrue(log.find(id, "provider").isPresent(), id);
            }
        }
    }

    private static final Instant DISCLOSE = AT.plus(java.time.Duration.ofDays(30));

    /** An exchange logged restricted until {@link #DISCLOSE}: a stub in the access log, its secret kept apart. */
    private static ExchangeRecord restricted(String queryId) {
        ExchangeRecord r = exchange(queryId, List.of("EE1"));
        return new ExchangeRecord(r.side(), r.queryId(), r.requestId(), r.client(), r.service(), r.method(), r.path(),
                r.userId(), r.issue(), r.purpose(), r.subjects(), r.dataSubjects(), r.requestSignature(),
                r.requestBody(), r.responseSignature(), r.responseBody(), r.status(), r.at(),
                new Restriction("police", "CPC-2015-art.88", DISCLOSE));
    }

    private Connection accessLogDatabase() throws SQLException {
        return DriverManager.getConnection(H2MessageLog.jdbcUrl(dir.resolve("accesslog")), H2MerkleLog.DATABASE_NAME,
                "");
    }

    /** The restricted event the log keeps undisclosed, its id. */
    private static String onlySealedEvent(H2MessageLog log) {
        List<SealedEvents.Sealed> sealed = log.accessLog().orElseThrow().sealed().undisclosed(10);
        assertEquals(1, sealed.size(), "one restricted event kept");
        return sealed.get(0).eventId();
    }

    /**
     * The restricted event at {@code index} of the access log is disclosed on its date and its
     * reveal opens its stub: the secret the server keeps is the one the stub commits to.
     */
    private static void disclosesAndVerifies(H2MessageLog log, long index, String eventId) throws IOException {
        H2AccessLog access = log.accessLog().orElseThrow();
        assertEquals(eventId, onlySealedEvent(log));
        assertEquals(0, access.sealed().discloseDue(DISCLOSE.minusSeconds(1)), "nothing before its date");
        assertEquals(1, access.sealed().discloseDue(DISCLOSE));
        AccessLogAnswer.Reveal reveal = access.sealed().reveals(List.of(eventId)).get(eventId);
        @SuppressWarnings("unchecked")
        Map<String, Object> stub = ProtocolJson.mapper().readValue(access.merkleLog().entry(index), Map.class);
        assertEquals(eventId, stub.get("eventId"));
        assertEquals(Optional.empty(), RestrictedAccess.checkReveal(stub, reveal.salt(), reveal.event()));
        assertEquals("/person/EE1", reveal.event().get("path"));
    }

    @Test
    void restrictedExchange_secretDurableInTheStubsJournalEntry_storedBesideTheStub()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        try (H2MessageLog log = open()) {
            log.append(restricted("r-0")).get(10, TimeUnit.SECONDS);
            log.awaitTables();
            String eventId = onlySealedEvent(log);
            RecordTable.Location at = locationOf(1);
            JournalEntry entry;
            try (SegmentReader reader = new SegmentReader(H2MessageLog.journalDir(dir.resolve("messagelog")),
                    FileChannel::open)) {
                entry = JournalEntry.decode(reader.read(at.segment(), at.offset()));
            } catch (JournalException e) {
                throw new IOException(e);
            }
            assertEquals(eventId, entry.access().secret().eventId(), "the secret travels in the stub's entry");
            try (Connection c = accessLogDatabase()) {
                byte[] stored = Jdbc.queryOne(c, "SELECT sealed FROM access_sealed WHERE event_id = ?",
                        r -> r.getBytes(1), eventId).orElseThrow();
                assertArrayEquals(entry.access().secret().sealed(), stored, "the row holds what the journal keeps");
            }
            disclosesAndVerifies(log, 0, eventId);
        }
    }

    @Test
    void restrictedExchange_h2LosesItsSecretAndTheNewestRowsWhileRunning_catchUpStoresTheSecretAgain()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "a-", 2); // entries 1 and 2, events 0 and 1
            log.append(restricted("r-0")).get(10, TimeUnit.SECONDS); // entry 3, event 2: a stub
            log.awaitTables();
            String eventId = onlySealedEvent(log);
            loseTheNewestRows(4, 2);
            try (Connection c = accessLogDatabase()) {
                assertEquals(1, Jdbc.update(c, "DELETE FROM access_sealed WHERE event_id = ?", eventId));
            }
            log.append(exchange("b-0", List.of("EE1"))).get(10, TimeUnit.SECONDS);
            awaitIntactRecords(log, 8);
            assertEquals(4, accessLog(log).merkleLog().size());
            disclosesAndVerifies(log, 2, eventId);
        }
        try (H2MessageLog log = open()) {
            assertEquals(8, intactRecords(log));
            assertTrue(log.accessLog().orElseThrow().sealed().reveals(List.of(onlyDisclosed(log)))
                    .containsKey(onlyDisclosed(log)), "disclosed once, and stays so");
        }
    }

    private static String onlyDisclosed(H2MessageLog log) {
        assertEquals(List.of(), log.accessLog().orElseThrow().sealed().undisclosed(10));
        return accessLog(log).eventsOf("EE1", 10).stream()
                .map(e -> new String(e.entry(), StandardCharsets.UTF_8))
                .filter(text -> text.contains("\"restricted\""))
                .map(text -> text.replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1"))
                .findFirst().orElseThrow();
    }

    @Test
    void restrictedExchange_h2LosesTheStubItsSecretAndTheNewestRows_reopenStoresBothFromTheJournal()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException, IOException,
            SQLException {
        String eventId;
        try (H2MessageLog log = open()) {
            appendOneByOne(log, "a-", 2);
            log.append(restricted("r-0")).get(10, TimeUnit.SECONDS);
            log.awaitTables();
            eventId = onlySealedEvent(log);
        }
        // H2 reopened its files and lost what the last entry stored, in both databases: records 5 and 6,
        // the stub (leaf 2 of 3, which no subtree of two or more covers) with its subject row, and its secret.
        loseTheNewestRows(4, 2);
        try (Connection c = accessLogDatabase()) {
            Jdbc.update(c, "DELETE FROM access_subject WHERE leaf_index = 2");
            assertEquals(1, Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index = 2"));
            assertEquals(1, Jdbc.update(c, "DELETE FROM access_sealed WHERE event_id = ?", eventId));
        }
        try (H2MessageLog log = open()) {
            assertEquals(6, intactRecords(log));
            assertEquals(3, accessLog(log).merkleLog().size(), "the stub is back at its index");
            disclosesAndVerifies(log, 2, eventId);
        }
    }

    @Test
    void restrictedExchangeWhoseJournalFlushFails_leavesNoSecretOfAnEventNeverLogged()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (H2MessageLog log = open(disk)) {
            appendAll(log, "before-", 1, List.of("EE1"));
            disk.syncFails(true);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> log.append(restricted("lost")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(MessageLogException.class, failed.getCause());
            disk.syncFails(false);
            assertEquals(List.of(), log.accessLog().orElseThrow().sealed().undisclosed(10),
                    "no secret kept for a stub that was never durable");
            assertEquals(1, accessLog(log).merkleLog().size());
        }
    }

    @Test
    void flushFails_exchangeInNeitherLogAndTheLogGoesOn()
            throws InterruptedException, ExecutionException, TimeoutException, MessageLogException {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (H2MessageLog log = open(disk)) {
            appendAll(log, "before-", 2, List.of("EE1"));

            disk.syncFails(true);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> log.append(exchange("lost", List.of("EE1"))).get(10, TimeUnit.SECONDS));
            assertInstanceOf(MessageLogException.class, failed.getCause());
            disk.syncFails(false);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean back = false;
            while (!back && System.nanoTime() < deadline) {
                try {
                    log.append(exchange("after", List.of("EE1"))).get(10, TimeUnit.SECONDS);
                    back = true;
                } catch (ExecutionException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(back, "the log takes exchanges again within seconds of the disk recovering");
            assertTrue(log.find("lost", "provider").isEmpty(), "an unacknowledged exchange is not kept");
            assertEquals(6, intactRecords(log));
            List<AccessLog.StoredEvent> events = accessLog(log).eventsOf("EE1", 10);
            assertEquals(3, events.size(), "the refused exchange left no access event either");
            assertTrue(events.stream().noneMatch(e -> new String(e.entry(), StandardCharsets.UTF_8)
                    .contains("\"queryId\":\"lost\"")));
        }
        try (H2MessageLog log = open(disk)) {
            assertEquals(6, intactRecords(log), "nor does it come back from the journal on restart");
            assertEquals(3, accessLog(log).merkleLog().size());
        }
    }
}
