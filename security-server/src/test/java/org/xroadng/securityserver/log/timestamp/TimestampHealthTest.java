package org.xroadng.securityserver.log.timestamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

class TimestampHealthTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final TimestampHealth health = new TimestampHealth(clock, Duration.ofSeconds(30));
    private final List<ExchangeRecord> passed = new ArrayList<>();
    private final MessageLog inner = record -> {
        passed.add(record);
        return CompletableFuture.completedFuture(null);
    };

    private static ExchangeRecord exchange(String side) {
        return new ExchangeRecord(side, "q-1", null, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/p", null, null, null, List.of(), List.of(),
                null, new byte[0], null, new byte[0], 200, START);
    }

    @Test
    void failingWithinWindow_passes() throws TimestampingOverdueException {
        health.failed(START, "TSA down");
        clock.advance(Duration.ofSeconds(30));

        health.check();

        assertEquals(START, health.failingSince().orElseThrow());
    }

    @Test
    void failingBeyondWindow_refusesNamingSinceWhenAndTheError() {
        health.failed(START, "TSA down");
        clock.advance(Duration.ofSeconds(10));
        health.failed(clock.instant(), "TSA still down");
        clock.advance(Duration.ofSeconds(21));

        TimestampingOverdueException e = assertThrows(TimestampingOverdueException.class, health::check);

        assertTrue(e.getMessage().contains("since " + START), e.getMessage());
        assertTrue(e.getMessage().contains("TSA still down"), e.getMessage());
    }

    @Test
    void successAfterFailure_passesAgain() throws TimestampingOverdueException {
        health.failed(START, "TSA down");
        clock.advance(Duration.ofMinutes(5));
        health.succeeded(clock.instant());

        health.check();

        assertEquals(clock.instant(), health.lastSuccess().orElseThrow());
        assertTrue(health.failingSince().isEmpty());
    }

    @Test
    void overdueStamping_guardedAppendFailsAndStoresNothing() {
        TimestampGuardedLog guarded = new TimestampGuardedLog(inner, health);
        health.failed(START, "TSA down");
        clock.advance(Duration.ofSeconds(31));

        TimestampingOverdueException consumer = failure(guarded.append(exchange("consumer")));
        TimestampingOverdueException provider = failure(guarded.append(exchange("provider")));

        assertTrue(consumer.getMessage().contains("TSA down"), consumer.getMessage());
        assertTrue(provider.getMessage().contains("TSA down"), provider.getMessage());
        assertTrue(passed.isEmpty());
    }

    @Test
    void overdueStamping_refusesNewExchangesBeforeAnyWork() throws TimestampingOverdueException {
        TimestampGuardedLog guarded = new TimestampGuardedLog(inner, health);
        guarded.checkAccepting();
        health.failed(START, "TSA down");
        clock.advance(Duration.ofSeconds(31));

        TimestampingOverdueException e = assertThrows(TimestampingOverdueException.class, guarded::checkAccepting);

        assertTrue(e.getMessage().contains("since " + START), e.getMessage());
        MessageLog.NONE.checkAccepting();
    }

    @Test
    void healthyStamping_guardedAppendPassesOn() {
        TimestampGuardedLog guarded = new TimestampGuardedLog(inner, health);

        guarded.append(exchange("consumer")).join();

        assertEquals(1, passed.size());
    }

    @Test
    void globalConfiguration_givesTsasInOrderAndSkipsUnreadableOnes() throws CertificateEncodingException {
        TestPki pki = TestPki.create(clock);
        TestPki.Issued tsa = pki.issue("TSA", CertificateKind.TSA, List.of(), null);
        String der = Base64.getEncoder().encodeToString(tsa.cert().getEncoded());
        GlobalConfiguration configuration = new GlobalConfiguration("DEMO", 1, START, START.plusSeconds(3600),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(
                        new GlobalConfiguration.ApprovedTsa("broken", "http://127.0.0.1:1/tsa", "not base64!"),
                        new GlobalConfiguration.ApprovedTsa("first", "http://127.0.0.1:2/tsa", der),
                        new GlobalConfiguration.ApprovedTsa("second", "http://127.0.0.1:3/tsa", der)),
                new GlobalConfiguration.Settings(60, 14_400));

        TimestampingConfiguration parsed = TimestampingConfiguration.from(configuration);

        assertEquals(List.of("http://127.0.0.1:2/tsa", "http://127.0.0.1:3/tsa"),
                parsed.tsas().stream().map(t -> t.url().toString()).toList());
        assertEquals(tsa.cert(), parsed.tsas().get(0).certificate());
        assertEquals(Duration.ofSeconds(14_400), parsed.acceptableFailure());
    }

    private static TimestampingOverdueException failure(CompletableFuture<Void> future) {
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        return assertInstanceOf(TimestampingOverdueException.class, e.getCause());
    }
}
