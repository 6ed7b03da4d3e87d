package org.xroadng.securityserver.log.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.tsa.TimeStampAuthority;
import org.xroadng.certs.tsa.TsaHttpEndpoint;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.log.ChainVerification;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.LogFixtures;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.MessageLogListener;
import org.xroadng.securityserver.log.MessageLogSettings;
import org.xroadng.securityserver.log.timestamp.BatchTimestamper;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;
import org.xroadng.securityserver.log.timestamp.TimestampHealth;
import org.xroadng.securityserver.log.timestamp.TimestampingConfiguration;
import org.xroadng.securityserver.log.timestamp.TimestampingListener;
import org.xroadng.securityserver.log.timestamp.TimestampingSettings;

/**
 * Retention against a real TSA over loopback HTTP, on a clock the test moves. Every exchange is
 * two records and, with batches of two records, one timestamp batch of its own.
 */
class MessageLogArchiverTest {

    /** Records no batch covers. */
    private static final String UNSTAMPED = "SELECT COUNT(*) FROM message_record m WHERE NOT EXISTS"
            + " (SELECT 1 FROM timestamp_batch b WHERE m.id BETWEEN b.first_record_id AND b.last_record_id)";

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final MessageLogKey KEY = LogFixtures.key(7);
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration RETENTION = Duration.ofHours(3);
    private static final long AWAIT_SECONDS = 15;

    private final MutableClock clock = new MutableClock(START);
    private final TestPki pki = TestPki.create(clock);
    private final TestPki.Issued tsa = pki.issue("TSA one", CertificateKind.TSA, List.of(), null);
    private final TestPki.Issued otherTsa = pki.issue("TSA two", CertificateKind.TSA, List.of(), null);
    private final BlockingQueue<TimestampBatch> stamped = new LinkedBlockingQueue<>();

    @TempDir
    Path dir;

    private HttpApiServer server;
    private H2MessageLog log;
    private BatchTimestamper stamper;


    @BeforeEach
    void start() throws IOException, MessageLogException {
        TimeStampAuthority authority = new TimeStampAuthority(tsa.cert(), List.of(pki.ca.cert()), tsa.key(), clock,
                pki.random);
        server = HttpApiServer.builder("tsa").route("POST", "/tsa", new TsaHttpEndpoint(authority)).start();
        TimestampingConfiguration conf = new TimestampingConfiguration(List.of(new TimestampingConfiguration.Tsa(
                server.baseUri().resolve("/tsa"), tsa.cert())), WINDOW);
        log = H2MessageLog.open(storage(), dir.resolve("messagelog"), null, KEY, pki.bc, pki.random, clock,
                MessageLogSettings.defaults().withDurability(Durability.COMMIT), MessageLogListener.NONE);
        TimestampingListener recorder = new TimestampingListener() {
            @Override
            public void batchStamped(TimestampBatch batch) {
                stamped.add(batch);
            }

            @Override
            public void stampingFailed(int waitingRecords, String reason) {
            }
        };
        stamper = BatchTimestamper.start(log, () -> conf, new TimestampHealth(clock, WINDOW),
                new TimestampingSettings(Duration.ofHours(1), 2, Duration.ofSeconds(5)), clock, pki.bc, pki.random,
                recorder);
    }

    @AfterEach
    void stop() {
        if (stamper != null) {
            stamper.close();
        }
        log.close();
        server.close();
    }

    private ExchangeRecord exchange(String queryId) {
        return new ExchangeRecord("consumer", queryId, "req-" + queryId, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "POST", "/persons/search", "officer-7", null,
                "tax-audit", List.of("EE38001010001"), List.of(), "eyJhbGciOiJFUzI1NiJ9.request." + queryId,
                "{\"q\":1}".getBytes(StandardCharsets.UTF_8), "eyJhbGciOiJFUzI1NiJ9.response." + queryId,
                "{\"a\":2}".getBytes(StandardCharsets.UTF_8), 200, clock.instant());
    }

    /** Appends an exchange and waits until its batch is stamped. */
    private void appendStamped(String queryId)
            throws InterruptedException, ExecutionException, TimeoutException {
        log.append(exchange(queryId)).get(AWAIT_SECONDS, TimeUnit.SECONDS);
        log.awaitTables();
        assertNotNull(stamped.poll(AWAIT_SECONDS, TimeUnit.SECONDS), "no batch stamped for " + queryId);
    }

    /**
     * Records 1-4 (batches 1, 2) four hours old; records 5-8 (batches 3, 4) two hours old; records
     * 9-10 unstamped and two hours old.
     */
    private void fill() throws InterruptedException, ExecutionException, TimeoutException {
        appendStamped("q-1");
        appendStamped("q-2");
        clock.advance(Duration.ofHours(2));
        appendStamped("q-3");
        appendStamped("q-4");
        stamper.close();
        stamper = null;
        log.append(exchange("q-5")).get(AWAIT_SECONDS, TimeUnit.SECONDS);
        log.awaitTables();
        clock.advance(Duration.ofHours(2));
    }

    private MessageLogArchiver archiver() {
        return new MessageLogArchiver(log, dir.resolve("archive"), clock, 3);
    }

    private ArchiveVerifier verifier() {
        return new ArchiveVerifier(pki.bc, List.of(tsa.cert()));
    }

    /** Where the log's tables are: H2 files here, a PostgreSQL database in {@link MessageLogArchiverPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    /** A connection to the log's tables, outside the log. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(H2MessageLog.jdbcUrl(dir.resolve("messagelog")), "messagelog", "");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = connect()) {
            return Jdbc.count(c, sql);
        }
    }

    @Test
    void oldStampedBatches_moveToChainedFilesAndLeaveTheDatabase()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();

        ArchiveRun run = archiver().archive(RETENTION);

        // Three records per file and two per batch: each batch gets a file of its own.
        assertEquals(List.of(dir.resolve("archive/messagelog-000001.jsonl"),
                dir.resolve("archive/messagelog-000002.jsonl")), run.files());
        assertEquals(2, run.batches());
        assertEquals(4, run.records());
        assertEquals(6, count("SELECT COUNT(*) FROM message_record"));
        assertEquals(5, count("SELECT MIN(id) FROM message_record"));
        assertEquals(3, count("SELECT MIN(id) FROM timestamp_batch"));
        String first = Files.readString(run.files().get(0));
        String second = Files.readString(run.files().get(1));
        assertTrue(first.startsWith("{\"type\":\"header\",\"format\":\"xroadng-messagelog-archive\",\"version\":1,"
                + "\"sequence\":1,\"previousFileSha256\":\"" + "0".repeat(64) + "\""), first);
        String firstDigest = HexFormat.of().formatHex(MessageLogArchiver.sha256(Files.readAllBytes(run.files().get(0))));
        assertTrue(second.contains("\"sequence\":2,\"previousFileSha256\":\"" + firstDigest + "\""), second);
        assertTrue(first.contains("\"bodySealed\":"), "bodies stay sealed");
        assertFalse(first.contains("{\\\"q\\\":1}"), "no plaintext body in the archive");
    }

    @Test
    void recentBatchesNewestBatchAndUnstampedRecords_stayInTheDatabase()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();

        archiver().archive(RETENTION);
        ArchiveRun again = archiver().archive(Duration.ofMinutes(1));

        // Batch 3 is now old enough; batch 4 is the newest and records 9-10 are unstamped.
        assertEquals(1, again.files().size());
        assertEquals(2, again.records());
        assertEquals(List.of(7L, 8L, 9L, 10L), List.of(count("SELECT MIN(id) FROM message_record"),
                count("SELECT MIN(id) + 1 FROM message_record"), count("SELECT MAX(id) - 1 FROM message_record"),
                count("SELECT MAX(id) FROM message_record")));
        assertEquals(List.of(7L, 8L), List.of(count("SELECT first_record_id FROM timestamp_batch WHERE id = 4"),
                count("SELECT last_record_id FROM timestamp_batch WHERE id = 4")));
        assertEquals(2, count(UNSTAMPED));
        assertEquals(0, archiver().archive(Duration.ofMinutes(1)).records());
    }

    @Test
    void afterArchiving_databaseChainVerifiesContinuesAndArchiveVerifies()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();
        MessageLogArchiver archiver = archiver();
        archiver.archive(RETENTION);

        log.append(exchange("q-6")).get(AWAIT_SECONDS, TimeUnit.SECONDS);

        log.awaitTables();
        ChainVerification chain = log.verifyChain();
        ArchiveVerification archive = verifier().verify(archiver.directory(), archiver.firstRemainingRecord());

        assertEquals(new ChainVerification.Intact(8, chain instanceof ChainVerification.Intact i ? i.lastHash()
                : "broken: " + chain), chain);
        assertEquals(2, archive.files());
        assertEquals(2, archive.batches());
        assertEquals(4, archive.records());
        assertTrue(archive.tokensChecked());
        assertEquals("{\"q\":1}", new String(log.find("q-3", "consumer").orElseThrow().exchange().requestBody(),
                StandardCharsets.UTF_8));
    }

    @Test
    void badRetentionAge_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> archiver().archive(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> archiver().archive(Duration.ofHours(-1)));
    }

    private Path archived()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();
        return archiver().archive(RETENTION).files().get(0).getParent();
    }

    private ArchiveVerificationException failure(Path archive) {
        return assertThrows(ArchiveVerificationException.class, () -> verifier().verify(archive));
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
    }

    @Test
    void changedRecordField_failsNamingFileAndRecord()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        edit(archive.resolve("messagelog-000002.jsonl"), "\"queryId\":\"q-2\"", "\"queryId\":\"q-X\"");

        ArchiveVerificationException e = failure(archive);

        assertEquals("messagelog-000002.jsonl", e.file());
        assertEquals(3, e.recordId().orElseThrow());
        assertTrue(e.getMessage().contains("do not hash to its stored record hash"), e.getMessage());
    }

    @Test
    void flippedByteInSealedBody_failsNamingFileAndRecord()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        Path file = archive.resolve("messagelog-000001.jsonl");
        String text = Files.readString(file);
        int at = text.indexOf("\"bodySealed\":\"") + "\"bodySealed\":\"".length() + 20;
        char flipped = text.charAt(at) == 'A' ? 'B' : 'A';
        Files.writeString(file, text.substring(0, at) + flipped + text.substring(at + 1));

        ArchiveVerificationException e = failure(archive);

        assertEquals("messagelog-000001.jsonl", e.file());
        assertEquals(1, e.recordId().orElseThrow());
    }

    @Test
    void deletedFile_failsNamingTheMissingFile()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        Files.delete(archive.resolve("messagelog-000001.jsonl"));

        ArchiveVerificationException e = failure(archive);

        assertEquals("messagelog-000001.jsonl", e.file());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void deletedLastFile_failsAgainstTheDatabasesFirstRecord()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        Files.delete(archive.resolve("messagelog-000002.jsonl"));

        ArchiveVerificationException e = assertThrows(ArchiveVerificationException.class,
                () -> verifier().verify(archive, archiver().firstRemainingRecord()));

        assertEquals(5, e.recordId().orElseThrow());
        assertTrue(e.file().contains("messagelog-000001.jsonl"), e.file());
    }

    @Test
    void changedPreviousFileDigest_failsNamingTheFile()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        Path second = archive.resolve("messagelog-000002.jsonl");
        String text = Files.readString(second);
        int at = text.indexOf("\"previousFileSha256\":\"") + "\"previousFileSha256\":\"".length();
        char flipped = text.charAt(at) == '0' ? '1' : '0';
        Files.writeString(second, text.substring(0, at) + flipped + text.substring(at + 1));

        ArchiveVerificationException e = failure(archive);

        assertEquals("messagelog-000002.jsonl", e.file());
        assertTrue(e.getMessage().contains("previous-file digest"), e.getMessage());
    }

    @Test
    void reorderedFiles_failNamingTheFirstFile()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();
        Path first = archive.resolve("messagelog-000001.jsonl");
        Path second = archive.resolve("messagelog-000002.jsonl");
        Path temp = archive.resolve("swap");
        Files.move(first, temp);
        Files.move(second, first);
        Files.move(temp, second);

        ArchiveVerificationException e = failure(archive);

        assertEquals("messagelog-000001.jsonl", e.file());
        assertEquals("1", e.expected());
        assertEquals("2", e.actual());
    }

    @Test
    void tokenByAnotherTsa_failsNamingTheBatch()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        Path archive = archived();

        ArchiveVerificationException e = assertThrows(ArchiveVerificationException.class,
                () -> new ArchiveVerifier(pki.bc, List.of(otherTsa.cert())).verify(archive));

        assertEquals("messagelog-000001.jsonl", e.file());
        assertTrue(e.getMessage().contains("token of batch 1"), e.getMessage());
        new ArchiveVerifier(pki.bc, List.of()).verify(archive);
    }

    @Test
    void crashAfterFileBeforeDeletion_rerunFinishesWithoutDuplicatingOrLosing()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();
        MessageLogArchiver archiver = archiver();
        Path written = archiver.writeNextFileOnly(RETENTION).orElseThrow();
        Files.writeString(written.resolveSibling("messagelog-000002.jsonl.tmp"), "{\"type\":\"hea");
        assertEquals(10, count("SELECT COUNT(*) FROM message_record"), "the crash left the records in the database");

        ArchiveRun rerun = archiver.archive(RETENTION);

        assertEquals(written, rerun.recovered());
        assertEquals(List.of(written.resolveSibling("messagelog-000002.jsonl")), rerun.files());
        assertEquals(4, rerun.records());
        assertEquals(6, count("SELECT COUNT(*) FROM message_record"));
        assertFalse(Files.exists(written.resolveSibling("messagelog-000002.jsonl.tmp")));
        ArchiveVerification archive = verifier().verify(archiver.directory(), archiver.firstRemainingRecord());
        assertEquals(4, archive.records());
        assertTrue(log.verifyChain().intact());
        assertEquals(Optional.empty(), Optional.ofNullable(archiver.archive(RETENTION).recovered()));
    }

    @Test
    void archiveFileNotMatchingTheDatabase_isRefusedAndNothingIsDeleted()
            throws InterruptedException, ExecutionException, TimeoutException, IOException, SQLException,
            MessageLogException, ArchiveException, ArchiveVerificationException {
        fill();
        MessageLogArchiver archiver = archiver();
        Path written = archiver.writeNextFileOnly(RETENTION).orElseThrow();
        edit(written, "\"queryId\":\"q-1\"", "\"queryId\":\"q-X\"");
        // The edited record keeps its stored hash; the batch and record ids still match.

        byte[] before = Files.readAllBytes(written);
        ArchiveException e = assertThrows(ArchiveException.class, () -> archiver.archive(RETENTION));

        assertTrue(e.getMessage().contains("record 1 does not hash to its stored record hash"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(written));
        assertEquals(10, count("SELECT COUNT(*) FROM message_record"));
    }
}
