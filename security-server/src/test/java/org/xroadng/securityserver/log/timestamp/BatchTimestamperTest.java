package org.xroadng.securityserver.log.timestamp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.RootMismatchException;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.OpenSsl;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.tsa.TimeStampAuthority;
import org.xroadng.certs.tsa.TimestampException;
import org.xroadng.certs.tsa.TimestampVerifier;
import org.xroadng.certs.tsa.TsaHttpEndpoint;
import org.xroadng.certs.tsa.VerifiedTimestamp;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.LogFixtures;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.MessageLogListener;
import org.xroadng.securityserver.log.MessageLogSettings;
import org.xroadng.securityserver.log.StoredExchange;

/** Batch timestamping against real TSAs over HTTP on loopback, on a clock the test moves. */
class BatchTimestamperTest {

    /** Records no batch covers. */
    private static final String UNSTAMPED = "SELECT COUNT(*) FROM message_record m WHERE NOT EXISTS"
            + " (SELECT 1 FROM timestamp_batch b WHERE m.id BETWEEN b.first_record_id AND b.last_record_id)";

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final MessageLogKey KEY = LogFixtures.key(7);
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration FAST = Duration.ofMillis(100);
    private static final long AWAIT_SECONDS = 15;

    private final MutableClock clock = new MutableClock(START);
    private final TestPki pki = TestPki.create(clock);
    private final TestPki.Issued tsa1 = pki.issue("TSA one", CertificateKind.TSA, List.of(), null);
    private final TestPki.Issued tsa2 = pki.issue("TSA two", CertificateKind.TSA, List.of(), null);
    private final AtomicBoolean tsa1Up = new AtomicBoolean(true);
    private final AtomicReference<TimestampingConfiguration> conf = new AtomicReference<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final TimestampingListener recorder = new TimestampingListener() {
        @Override
        public void batchStamped(TimestampBatch batch) {
            events.add(batch);
        }

        @Override
        public void stampingFailed(int waitingRecords, String reason) {
            events.add(reason);
        }
    };

    @TempDir
    Path dir;

    private HttpApiServer server1;
    private HttpApiServer server2;
    private H2MessageLog log;
    private TimestampHealth health;
    private BatchTimestamper stamper;
    private MessageLog guarded;


    @BeforeEach
    void startTsas() throws IOException {
        TimeStampAuthority one = new TimeStampAuthority(tsa1.cert(), List.of(pki.ca.cert()), tsa1.key(), clock,
                pki.random);
        TimeStampAuthority two = new TimeStampAuthority(tsa2.cert(), List.of(pki.ca.cert()), tsa2.key(), clock,
                pki.random);
        HttpEndpoint endpoint1 = new TsaHttpEndpoint(one);
        HttpEndpoint switchable = call -> {
            if (!tsa1Up.get()) {
                throw new HttpProblem(503, "Unavailable", "TSA one is down for the test");
            }
            return endpoint1.handle(call);
        };
        server1 = HttpApiServer.builder("tsa-one").route("POST", "/tsa", switchable).start();
        server2 = HttpApiServer.builder("tsa-two").route("POST", "/tsa", new TsaHttpEndpoint(two)).start();
        conf.set(new TimestampingConfiguration(List.of(tsa(server1, tsa1)), WINDOW));
    }

    @AfterEach
    void stop() {
        if (stamper != null) {
            stamper.close();
        }
        if (log != null) {
            log.close();
        }
        server1.close();
        server2.close();
    }

    private static TimestampingConfiguration.Tsa tsa(HttpApiServer server, TestPki.Issued issued) {
        return new TimestampingConfiguration.Tsa(server.baseUri().resolve("/tsa"), issued.cert());
    }

    private void start(TimestampingSettings settings) throws MessageLogException {
        log = H2MessageLog.open(storage(), dir.resolve("messagelog"), null, KEY, pki.bc, pki.random, clock,
                MessageLogSettings.defaults().withDurability(Durability.COMMIT), MessageLogListener.NONE);
        health = new TimestampHealth(clock, WINDOW);
        stamper = BatchTimestamper.start(log, conf::get, health, settings, clock, pki.bc, pki.random, recorder);
        guarded = new TimestampGuardedLog(log, health);
    }

    private void start() throws MessageLogException {
        start(new TimestampingSettings(FAST, TimestampingSettings.DEFAULT_MAX_BATCH_RECORDS, Duration.ofSeconds(5)));
    }

    private ExchangeRecord exchange(String side, String queryId) {
        return new ExchangeRecord(side, queryId, "req-" + queryId, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "POST", "/persons/search", "officer-7", "T-1",
                "tax-audit", List.of("EE38001010001"), List.of("EE38001010001"),
                "eyJhbGciOiJFUzI1NiJ9.request." + queryId, "{\"q\":1}".getBytes(StandardCharsets.UTF_8),
                "eyJhbGciOiJFUzI1NiJ9.response." + queryId, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), 200,
                clock.instant());
    }

    private StoredExchange appendAndFind(String queryId)
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException {
        guarded.append(exchange("consumer", queryId)).get(AWAIT_SECONDS, TimeUnit.SECONDS);
        return log.find(queryId, "consumer").orElseThrow();
    }

    /** Waits for stamped batches until {@code records} records have been stamped in them. */
    private List<TimestampBatch> awaitStamped(int records) throws InterruptedException {
        List<TimestampBatch> batches = new ArrayList<>();
        int stamped = 0;
        while (stamped < records) {
            Object event = events.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(event, "no batch stamped in " + AWAIT_SECONDS + " s; stamped " + stamped + " of " + records);
            if (event instanceof TimestampBatch batch) {
                batches.add(batch);
                stamped += batch.size();
            }
        }
        return batches;
    }

    private String awaitFailure() throws InterruptedException {
        while (true) {
            Object event = events.poll(AWAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(event, "no failed run in " + AWAIT_SECONDS + " s");
            if (event instanceof String reason) {
                return reason;
            }
        }
    }

    /** Where the log's tables are: H2 files here, a PostgreSQL database in {@link BatchTimestamperPostgresTest}. */
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

    private static TimestampingOverdueException refusal(CompletableFuture<Void> append) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> append.get(AWAIT_SECONDS,
                TimeUnit.SECONDS));
        return assertInstanceOf(TimestampingOverdueException.class, e.getCause());
    }

    @Test
    void recordsWritten_areStampedWithinIntervalAndEachPathVerifiesAgainstTheToken()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException, SQLException,
            ProofVerificationException, TimestampException {
        start();
        StoredExchange first = appendAndFind("q-1");
        StoredExchange second = appendAndFind("q-2");

        awaitStamped(4);

        for (long id = first.requestRecordId(); id <= second.responseRecordId(); id++) {
            RecordStamp stamp = log.stampOf(id).orElseThrow();
            VerifiedTimestamp verified = stamp.verify(tsa1.cert(), pki.bc);
            assertEquals(START, verified.genTime());
            new TimestampVerifier(pki.bc).verify(stamp.batch().token(), stamp.batch().root(), tsa1.cert());
            assertEquals(id - stamp.batch().firstRecordId(), stamp.leafIndex());
            assertEquals(server1.baseUri().resolve("/tsa").toString(), stamp.batch().tsaUrl());
        }
        // An exchange's two records are written in one transaction, so they share a batch.
        assertEquals(log.stampOf(first.requestRecordId()).orElseThrow().batch().id(),
                log.stampOf(first.responseRecordId()).orElseThrow().batch().id());
        assertEquals(0, count(UNSTAMPED));
        assertEquals(4, count("SELECT SUM(size) FROM timestamp_batch"));
        assertTrue(health.lastSuccess().isPresent());
        assertTrue(health.failingSince().isEmpty());
    }

    @Test
    void tamperedRecordHashOrForeignTsa_failsStampVerification()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException {
        start();
        StoredExchange stored = appendAndFind("q-1");
        awaitStamped(2);
        RecordStamp stamp = log.stampOf(stored.requestRecordId()).orElseThrow();
        TimestampBatch batch = stamp.batch();
        byte[] otherHash = stamp.recordHash();
        otherHash[0] ^= 1;

        assertThrows(RootMismatchException.class, () -> RecordStamp.verifyStamp(otherHash, stamp.path(),
                stamp.leafIndex(), batch.size(), batch.root(), batch.token(), tsa1.cert(), pki.bc));
        assertThrows(ProofVerificationException.class, () -> RecordStamp.verifyStamp(stamp.recordHash(), List.of(),
                stamp.leafIndex(), batch.size(), batch.root(), batch.token(), tsa1.cert(), pki.bc));
        TimestampException e = assertThrows(TimestampException.class, () -> stamp.verify(tsa2.cert(), pki.bc));
        assertEquals(TimestampException.Check.SIGNER, e.check());
    }

    @Test
    void recordHashChangedAfterStamping_stampOfRefusesInsteadOfGivingAPathToAnotherRoot()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException, SQLException {
        start();
        StoredExchange stored = appendAndFind("q-1");
        awaitStamped(2);
        long batchId = log.stampOf(stored.responseRecordId()).orElseThrow().batch().id();
        try (Connection c = connect()) {
            Jdbc.update(c, "UPDATE message_record SET record_hash = ? WHERE id = ?", LogFixtures.filled(7),
                    stored.requestRecordId());
        }

        MessageLogException e = assertThrows(MessageLogException.class,
                () -> log.stampOf(stored.responseRecordId()));
        assertTrue(e.getMessage().contains("time-stamp batch " + batchId) && e.getMessage().contains("root"),
                e.getMessage());
    }

    @Test
    void tsaDown_recordsWaitAndAppendsSucceedWithinWindow_refusedBeyondIt_backlogStampedWhenTsaIsBack()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException, SQLException, ProofVerificationException, TimestampException {
        tsa1Up.set(false);
        start();
        StoredExchange a = appendAndFind("q-a");
        String reason = awaitFailure();
        assertTrue(reason.contains("503"), reason);
        StoredExchange b = appendAndFind("q-b");
        awaitFailure();

        assertEquals(0, count("SELECT COUNT(*) FROM timestamp_batch"));
        assertEquals(4, count(UNSTAMPED));
        assertTrue(log.stampOf(a.requestRecordId()).isEmpty());
        assertEquals(START, health.failingSince().orElseThrow());

        clock.advance(WINDOW.plusSeconds(1));
        TimestampingOverdueException consumer = refusal(guarded.append(exchange("consumer", "q-c")));
        TimestampingOverdueException provider = refusal(guarded.append(exchange("provider", "q-c")));
        assertTrue(consumer.getMessage().contains("since " + START), consumer.getMessage());
        assertTrue(provider.getMessage().contains("since " + START), provider.getMessage());
        assertTrue(log.find("q-c", "consumer").isEmpty(), "a refused exchange is not stored");

        tsa1Up.set(true);
        List<TimestampBatch> batches = awaitStamped(4);

        assertEquals(1, batches.size(), "the backlog goes in one batch");
        assertEquals(a.requestRecordId(), batches.get(0).firstRecordId());
        assertEquals(b.responseRecordId(), batches.get(0).lastRecordId());
        assertTrue(health.failingSince().isEmpty());
        StoredExchange d = appendAndFind("q-d");
        assertEquals(b.responseRecordId() + 1, d.requestRecordId());
        log.stampOf(b.responseRecordId()).orElseThrow().verify(tsa1.cert(), pki.bc);
    }

    @Test
    void firstTsaUnreachable_secondTsaInListStamps()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException, IOException,
            ProofVerificationException, TimestampException {
        URI closed;
        closed = URI.create("http://127.0.0.1:" + FreePorts.one() + "/tsa");
        conf.set(new TimestampingConfiguration(List.of(new TimestampingConfiguration.Tsa(closed, tsa1.cert()),
                tsa(server2, tsa2)), WINDOW));
        start();
        StoredExchange stored = appendAndFind("q-1");

        TimestampBatch batch = awaitStamped(2).get(0);

        assertEquals(server2.baseUri().resolve("/tsa").toString(), batch.tsaUrl());
        log.stampOf(stored.responseRecordId()).orElseThrow().verify(tsa2.cert(), pki.bc);
    }

    @Test
    void maxBatchRecordsWaiting_areStampedWithoutWaitingForTheInterval()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException {
        start(new TimestampingSettings(Duration.ofHours(1), 4, Duration.ofSeconds(5)));
        appendAndFind("q-1");
        appendAndFind("q-2");

        List<TimestampBatch> batches = awaitStamped(4);

        assertEquals(List.of(4), batches.stream().map(TimestampBatch::size).toList());
    }

    @Test
    void storedBatchToken_isAcceptedByOpenSsl()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException, IOException {
        start();
        StoredExchange stored = appendAndFind("q-1");
        awaitStamped(2);
        TimestampBatch batch = log.stampOf(stored.requestRecordId()).orElseThrow().batch();
        Files.write(dir.resolve("token.tsr"), batch.token());
        TestPki.writePem(dir, "ca.pem", pki.ca.cert());

        OpenSsl.Result verify = OpenSsl.run(dir, "ts", "-verify", "-digest", HexFormat.of().formatHex(batch.root()),
                "-token_in", "-in", "token.tsr", "-CAfile", "ca.pem", "-attime",
                Long.toString(batch.genTime().getEpochSecond()));

        assertEquals(0, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("Verification: OK"), verify.output());
    }

    @Test
    void badSettings_areRefusedNamingTheKey() {
        IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
                () -> new TimestampingSettings(Duration.ZERO, 10, Duration.ofSeconds(1)));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new TimestampingSettings(Duration.ofSeconds(1), 0, Duration.ofSeconds(1)));

        assertTrue(interval.getMessage().contains("messageLog.timestamping.interval"), interval.getMessage());
        assertTrue(size.getMessage().contains("messageLog.timestamping.maxBatchRecords is 0"), size.getMessage());
    }

    @Test
    void noApprovedTsa_countsAsFailure()
            throws MessageLogException, InterruptedException, ExecutionException, TimeoutException {
        conf.set(new TimestampingConfiguration(List.of(), Duration.ZERO));
        start();
        appendAndFind("q-1");

        String reason = awaitFailure();
        clock.advance(Duration.ofSeconds(1));

        assertTrue(reason.contains("approves no TSA"), reason);
        assertTrue(refusal(guarded.append(exchange("consumer", "q-2"))).getMessage().contains("approves no TSA"));
    }

}
