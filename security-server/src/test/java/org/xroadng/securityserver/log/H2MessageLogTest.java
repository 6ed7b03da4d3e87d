package org.xroadng.securityserver.log;

import java.util.concurrent.TimeoutException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.log.journal.Frames;
import org.xroadng.securityserver.log.journal.JournalException;
import org.xroadng.securityserver.log.journal.SegmentReader;

class H2MessageLogTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123456789Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:01.5Z"), ZoneOffset.UTC);
    private static final MessageLogKey KEY = LogFixtures.key(1);
    private static final String SECRET = "EE38001010001 lives at Tartu mnt 1";

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;


    private static ExchangeRecord exchange(String queryId) {
        return new ExchangeRecord("consumer", queryId, "req-" + queryId, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "POST", "/persons/search", "officer-7", "T-1",
                "tax-audit", List.of("EE38001010001", "EE49002020002"), List.of("EE38001010001"),
                "eyJhbGciOiJFUzI1NiJ9.request." + queryId, ("{\"q\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8),
                "eyJhbGciOiJFUzI1NiJ9.response." + queryId, ("{\"a\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8),
                200, AT);
    }

    private Path file() {
        return dir.resolve("messagelog");
    }

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link MessageLogPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    /** A connection to the log's tables, outside the log. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(H2MessageLog.jdbcUrl(file()), "messagelog", "");
    }

    private H2MessageLog open(MessageLogSettings settings, MessageLogListener listener) throws MessageLogException {
        return open(KEY, settings, listener);
    }

    private H2MessageLog open(MessageLogKey key, MessageLogSettings settings, MessageLogListener listener)
            throws MessageLogException {
        return H2MessageLog.open(storage(), file(), null, key, bc, random, CLOCK, settings, listener);
    }

    /** Where record {@code id}'s journal entry is, as its index row says. */
    private RecordTable.Location locationOf(long id) throws SQLException {
        try (Connection c = connect()) {
            return Jdbc.queryOne(c, "SELECT journal_segment, journal_offset FROM message_record WHERE id = ?",
                    r -> new RecordTable.Location(r.getLong(1), r.getLong(2)), id).orElseThrow();
        }
    }

    /** Changes record {@code id} in its journal entry (same length) and mends the frame's CRC32C, as an insider could. */
    private void rewriteRecord(long id, java.util.function.UnaryOperator<LogRow> change) throws SQLException, IOException {
        RecordTable.Location at = locationOf(id);
        Path journal = H2MessageLog.journalDir(file());
        byte[] payload;
        try (SegmentReader reader = new SegmentReader(journal, java.nio.channels.FileChannel::open)) {
            payload = reader.read(at.segment(), at.offset());
        } catch (JournalException e) {
            throw new IOException(e);
        }
        JournalEntry entry = JournalEntry.decode(payload);
        List<LogRow> rows = entry.rows().stream().map(r -> r.id() == id ? change.apply(r) : r).toList();
        Frames.rewrite(journal, at.segment(), at.offset(), new JournalEntry(rows, entry.access()).encode());
    }

    /** No file of the log (H2's, the journal's) holds the plaintext of the exchanges' bodies. */
    private static void assertNoPlaintextIn(Path dir) throws IOException {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        List<Path> files;
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dir)) {
            files = walk.filter(java.nio.file.Files::isRegularFile).toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".journal")), "journal segments in " + files);
        for (Path f : files) {
            byte[] bytes = java.nio.file.Files.readAllBytes(f);
            for (int i = 0; i + secret.length <= bytes.length; i++) {
                if (Arrays.equals(bytes, i, i + secret.length, secret, 0, secret.length)) {
                    throw new AssertionError("plaintext at rest in " + f + " at offset " + i);
                }
            }
        }
    }

    /** Appends, waits for the answer and then for the tables, as a query would, so the test can read them. */
    private static void appended(H2MessageLog log, ExchangeRecord record)
            throws ExecutionException, InterruptedException, TimeoutException {
        log.append(record).get(10, TimeUnit.SECONDS);
        log.awaitTables();
    }

    private long rows() {
        try (Connection c = connect()) {
            return Jdbc.count(c, "SELECT COUNT(*) FROM message_record");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the writer inside its first batch until released; counts batches. */
    private static final class Gate implements MessageLogListener {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger largest = new AtomicInteger();

        @Override
        public void batchWritten(int exchanges, int rows) {
            largest.accumulateAndGet(exchanges, Math::max);
            if (batches.incrementAndGet() == 1) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void append_completesWhenDurable_andQueriesAfterItSeeBothRows() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            // Asked the moment the future completes, on another thread: the writer fills the tables after.
            StoredExchange found = log.append(exchange("q-1")).thenApplyAsync(done -> {
                try {
                    return log.find("q-1", "consumer").orElseThrow();
                } catch (MessageLogException e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            log.awaitTables();

            assertEquals("q-1", found.exchange().queryId());
            assertEquals(2, rows());
        }
    }

    @Test
    void appendDuringABatch_waitsForItsOwnCommit() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        Gate gate = new Gate();
        try (H2MessageLog log = open(MessageLogSettings.defaults(), gate)) {
            CompletableFuture<Void> first = log.append(exchange("q-1"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<Void> second = log.append(exchange("q-2"));

            assertFalse(first.isDone());
            assertFalse(second.isDone());
            assertEquals(0, rows(), "the tables are filled after the batch's answers");
            gate.release.countDown();
            second.get(10, TimeUnit.SECONDS);
            assertTrue(first.isDone());
            log.awaitTables();
            assertEquals(4, rows());
        }
    }

    @Test
    void concurrentAppends_areGroupCommittedInFewerTransactions() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        Gate gate = new Gate();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try (H2MessageLog log = open(MessageLogSettings.defaults(), gate)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            all.add(log.append(exchange("q-0")));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<CompletableFuture<Void>>> submitted = new ArrayList<>();
            for (int i = 1; i < 100; i++) {
                String queryId = "q-" + i;
                submitted.add(CompletableFuture.supplyAsync(() -> log.append(exchange(queryId)), callers));
            }
            for (CompletableFuture<CompletableFuture<Void>> s : submitted) {
                all.add(s.get(10, TimeUnit.SECONDS));
            }
            gate.release.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertEquals(2, gate.batches.get());
            assertEquals(99, gate.largest.get());
            log.awaitTables();
            assertEquals(200, rows());
            assertTrue(log.verifyChain().intact());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void batches_areBoundedByMaxBatch() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        Gate gate = new Gate();
        try (H2MessageLog log = open(new MessageLogSettings(Durability.COMMIT, 100, 10), gate)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            all.add(log.append(exchange("q-0")));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            for (int i = 1; i < 31; i++) {
                all.add(log.append(exchange("q-" + i)));
            }
            gate.release.countDown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertEquals(4, gate.batches.get());
            assertEquals(10, gate.largest.get());
        }
    }

    @Test
    void bodies_areEncryptedAtRestAndReadBackDecrypted() throws ExecutionException, InterruptedException, MessageLogException, SQLException, TimeoutException, IOException {
        ExchangeRecord sent = exchange("q-1");
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            appended(log, sent);

            assertNoPlaintextIn(dir);
            StoredExchange found = log.find("q-1", "consumer").orElseThrow();

            assertEquals(1, found.requestRecordId());
            assertEquals(2, found.responseRecordId());
            ExchangeRecord read = found.exchange();
            assertArrayEquals(sent.requestBody(), read.requestBody());
            assertArrayEquals(sent.responseBody(), read.responseBody());
            assertEquals(sent.requestSignature(), read.requestSignature());
            assertEquals(sent.responseSignature(), read.responseSignature());
            assertEquals(sent.client(), read.client());
            assertEquals(sent.service(), read.service());
            assertEquals(sent.subjects(), read.subjects());
            assertEquals(sent.dataSubjects(), read.dataSubjects());
            assertEquals(sent.status(), read.status());
            assertEquals(sent.at(), read.at());
            assertEquals(sent.requestId(), read.requestId());
            assertTrue(log.find("q-1", "provider").isEmpty());
            assertTrue(log.find("q-2", "consumer").isEmpty());
        }
    }

    @Test
    void wrongKey_failsReadingNamingTheRecord() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            appended(log, exchange("q-1"));
        }
        try (H2MessageLog log = open(LogFixtures.key(2), MessageLogSettings.defaults(),
                MessageLogListener.NONE)) {
            RecordDecryptionException e = assertThrows(RecordDecryptionException.class,
                    () -> log.find("q-1", "consumer"));

            assertEquals(1, e.recordId());
            assertTrue(e.getMessage().contains("record 1"), e.getMessage());
        }
    }

    @Test
    void flippedStoredCiphertextByte_failsReadingAndBreaksTheChainAtThatRecord() throws ExecutionException, InterruptedException, MessageLogException, SQLException, TimeoutException, IOException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            appended(log, exchange("q-1"));
            rewriteRecord(2, row -> {
                byte[] sealed = row.bodySealed().clone();
                sealed[sealed.length - 20] ^= 0x01;
                return new LogRow(row.id(), row.side(), row.kind(), row.queryId(), row.requestId(), row.client(),
                        row.service(), row.method(), row.path(), row.userId(), row.issue(), row.purpose(),
                        row.subjects(), row.dataSubjects(), row.status(), row.exchangedAt(), row.storedAt(),
                        row.signature(), row.bodySha256(), sealed, row.prevHash());
            });

            RecordDecryptionException e = assertThrows(RecordDecryptionException.class,
                    () -> log.find("q-1", "consumer"));
            assertEquals(2, e.recordId());
            ChainVerification.Broken broken = assertInstanceOf(ChainVerification.Broken.class, log.verifyChain());
            assertEquals(2, broken.recordId());
        }
    }

    @Test
    void intactLog_verifiesEveryRecord() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            for (int i = 0; i < 3; i++) {
                appended(log, exchange("q-" + i));
            }

            ChainVerification.Intact intact = assertInstanceOf(ChainVerification.Intact.class, log.verifyChain());
            assertEquals(6, intact.records());
        }
    }

    @Test
    void fieldChangedInTheJournalWithItsCrcMended_isNamedByVerifyChain() throws ExecutionException, InterruptedException, MessageLogException, SQLException, TimeoutException, IOException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            for (int i = 0; i < 3; i++) {
                appended(log, exchange("q-" + i));
            }
            rewriteRecord(4, row -> new LogRow(row.id(), row.side(), row.kind(), row.queryId(), row.requestId(),
                    row.client(), row.service(), row.method(), row.path(), row.userId(), row.issue(), row.purpose(),
                    row.subjects(), row.dataSubjects(), 404, row.exchangedAt(), row.storedAt(), row.signature(),
                    row.bodySha256(), row.bodySealed(), row.prevHash()));

            ChainVerification.Broken broken = assertInstanceOf(ChainVerification.Broken.class, log.verifyChain());

            assertEquals(4, broken.recordId());
            assertTrue(broken.reason().contains("do not hash"), broken.reason());
        }
    }

    @Test
    void deletedRecord_breaksTheLinkOfTheNextOne() throws ExecutionException, InterruptedException, MessageLogException, SQLException, TimeoutException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            for (int i = 0; i < 2; i++) {
                appended(log, exchange("q-" + i));
            }
            log.awaitTables();
            try (Connection c = connect()) {
                Jdbc.update(c, "DELETE FROM message_record WHERE id = 2");
            }

            ChainVerification.Broken broken = assertInstanceOf(ChainVerification.Broken.class, log.verifyChain());

            assertEquals(3, broken.recordId());
            assertTrue(broken.reason().contains("link"), broken.reason());
        }
    }

    @Test
    void asyncDurability_completesAtEnqueueBeforeTheWrite() throws InterruptedException, MessageLogException {
        Gate gate = new Gate();
        try (H2MessageLog log = open(MessageLogSettings.defaults().withDurability(Durability.ASYNC), gate)) {
            log.append(exchange("q-1"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));

            CompletableFuture<Void> queued = log.append(exchange("q-2"));

            assertTrue(queued.isDone());
            assertEquals(0, rows(), "the writer is still in the first batch");
            gate.release.countDown();
        }
        assertEquals(4, rows());
    }

    @Test
    void fullQueue_failsTheAppendAtOnce() throws ExecutionException, InterruptedException, MessageLogException, TimeoutException {
        Gate gate = new Gate();
        try (H2MessageLog log = open(new MessageLogSettings(Durability.FSYNC, 3, 10), gate)) {
            CompletableFuture<Void> first = log.append(exchange("q-0"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                waiting.add(log.append(exchange("q-" + i)));
            }

            CompletableFuture<Void> refused = log.append(exchange("q-4"));

            assertTrue(refused.isCompletedExceptionally());
            ExecutionException e = assertThrows(ExecutionException.class, refused::get);
            MessageLogFullException full = assertInstanceOf(MessageLogFullException.class, e.getCause());
            assertEquals(3, full.capacity());
            assertTrue(full.getMessage().contains("overloaded"), full.getMessage());
            gate.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        assertEquals(8, rows());
    }

    @Test
    void close_writesWhatWasAcceptedAndRefusesLaterAppends() throws InterruptedException, MessageLogException {
        Gate gate = new Gate();
        H2MessageLog log = open(MessageLogSettings.defaults(), gate);
        log.append(exchange("q-0"));
        assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<Void> accepted = log.append(exchange("q-1"));
        gate.release.countDown();

        log.close();

        assertTrue(accepted.isDone() && !accepted.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, () -> log.append(exchange("q-2")).get());
        assertInstanceOf(MessageLogException.class, e.getCause());
        assertEquals(4, rows());
    }

    @Test
    void reopenedLog_continuesTheChainFromTheLastRecord() throws ExecutionException, InterruptedException, MessageLogException, SQLException, TimeoutException {
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            appended(log, exchange("q-1"));
            appended(log, exchange("q-2"));
        }
        try (H2MessageLog log = open(MessageLogSettings.defaults(), MessageLogListener.NONE)) {
            appended(log, exchange("q-3"));

            try (Connection c = connect()) {
                byte[] lastBefore = Jdbc.queryOne(c, "SELECT record_hash FROM message_record WHERE id = 4",
                        r -> r.getBytes(1)).orElseThrow();
                byte[] firstAfterPrev = Jdbc.queryOne(c, "SELECT prev_hash FROM message_record WHERE id = 5",
                        r -> r.getBytes(1)).orElseThrow();
                assertArrayEquals(lastBefore, firstAfterPrev);
            }
            ChainVerification.Intact intact = assertInstanceOf(ChainVerification.Intact.class, log.verifyChain());
            assertEquals(6, intact.records());
            assertEquals("req-q-3", log.find("q-3", "consumer").orElseThrow().exchange().requestId());
        }
    }
}
