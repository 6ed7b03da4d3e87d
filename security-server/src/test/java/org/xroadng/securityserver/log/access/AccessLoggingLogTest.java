package org.xroadng.securityserver.log.access;

import org.xroadng.auditlog.merkle.ProofVerificationException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.MemoryAccessLog;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;

class AccessLoggingLogTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123Z");
    private static final UUID EVENT_ID = UUID.fromString("00000000-0000-4000-8000-000000000007");
    private static final String JWS = "eyJhbGciOiJFUzI1NiJ9.eyJxIjoxfQ.c2ln";

    private final InMemoryMerkleLog merkle = new InMemoryMerkleLog();
    private final AccessLog accessLog = new MemoryAccessLog(merkle);

    private static ExchangeRecord exchange(String side, List<String> subjects, List<String> dataSubjects, int status) {
        return new ExchangeRecord(side, "q-1", "req-1", SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/persons/38001010000", "officer-7", "T-1",
                "tax audit", subjects, dataSubjects, JWS, new byte[0], "resp-sig", new byte[0], status, AT);
    }

    private AccessLoggingLog logging(MessageLog inner) {
        return new AccessLoggingLog(inner, accessLog, () -> EVENT_ID, new java.security.SecureRandom());
    }

    private static byte[] sha256(byte[]... parts) throws NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
    }

    @Test
    void exchangeWithSubject_oneEventWhoseLeafAndProofVerify() throws ExecutionException, InterruptedException, NoSuchAlgorithmException, ProofVerificationException {
        logging(MessageLog.NONE).append(exchange("consumer", List.of("EE38001010000"), List.of(), 200)).get();

        assertEquals(1, merkle.size());
        byte[] entry = merkle.entry(0);
        String json = new String(entry, StandardCharsets.UTF_8);
        String requestHash = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha256(JWS.getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"client\":\"DEMO/GOV/1002/tax\",\"eventId\":\"" + EVENT_ID + "\",\"issue\":\"T-1\","
                + "\"method\":\"GET\",\"outcome\":\"ok\",\"path\":\"/persons/38001010000\",\"previous\":{},"
                + "\"purpose\":\"tax audit\","
                + "\"queryId\":\"q-1\",\"requestHash\":\"" + requestHash + "\","
                + "\"service\":\"DEMO/GOV/1001/population/person\",\"side\":\"consumer\","
                + "\"subjects\":[\"EE38001010000\"],\"time\":\"2025-03-01T10:00:00.123Z\",\"userId\":\"officer-7\"}",
                json);
        byte[] leafHash = sha256(new byte[] {0x00}, entry);
        merkle.inclusion(0, merkle.size()).verify(leafHash, merkle.root());
    }

    @Test
    void providerExchangeWithOnlyDataSubject_eventNamesIt() throws ExecutionException, InterruptedException {
        logging(MessageLog.NONE).append(exchange("provider", List.of(), List.of("EE49002020000"), 404)).get();

        assertEquals(1, merkle.size());
        String json = new String(merkle.entry(0), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"subjects\":[\"EE49002020000\"]"), json);
        assertTrue(json.contains("\"side\":\"provider\""), json);
        assertTrue(json.contains("\"outcome\":\"error 404\""), json);
    }

    @Test
    void subjectsInBothHeaders_oneEventWithTheUnion() throws ExecutionException, InterruptedException {
        logging(MessageLog.NONE).append(exchange("provider", List.of("A", "B"), List.of("B", "C"), 200)).get();

        assertEquals(1, merkle.size());
        assertTrue(new String(merkle.entry(0), StandardCharsets.UTF_8).contains("\"subjects\":[\"A\",\"B\",\"C\"]"));
    }

    @Test
    void exchangeWithoutSubject_noEvent() throws ExecutionException, InterruptedException {
        logging(MessageLog.NONE).append(exchange("consumer", List.of(), List.of(), 200)).get();

        assertEquals(0, merkle.size());
    }

    @Test
    void innerAppendFails_noEventAndFutureFails() {
        IllegalStateException failure = new IllegalStateException("disk full");
        MessageLog failing = record -> CompletableFuture.failedFuture(failure);

        CompletableFuture<Void> done = logging(failing).append(exchange("consumer", List.of("EE38001010000"),
                List.of(), 200));

        ExecutionException thrown = assertThrows(ExecutionException.class, done::get);
        assertSame(failure, thrown.getCause());
        assertEquals(0, merkle.size());
    }

    @Test
    void innerAppendPending_eventWrittenOnlyAfterItCompletes() throws ExecutionException, InterruptedException {
        CompletableFuture<Void> inner = new CompletableFuture<>();

        CompletableFuture<Void> done = logging(record -> inner).append(exchange("consumer", List.of("S"), List.of(), 200));

        assertEquals(0, merkle.size());
        assertTrue(!done.isDone());
        inner.complete(null);
        done.get();
        assertEquals(1, merkle.size());
    }

    @Test
    void refusedAttempt_eventWithRefusedOutcomeAndNothingInTheMessageLog() throws ExecutionException, InterruptedException {
        List<ExchangeRecord> kept = new java.util.ArrayList<>();
        MessageLog keeping = record -> {
            kept.add(record);
            return CompletableFuture.completedFuture(null);
        };

        logging(keeping).refused(exchange("consumer", List.of("EE38001010000"), List.of(), 500),
                "Server.ServerProxy.AccessDenied").get();
        logging(keeping).refused(exchange("consumer", List.of(), List.of(), 500), "Server.ServerProxy.AccessDenied").get();

        assertEquals(List.of(), kept);
        assertEquals(1, merkle.size(), "only the attempt that named a subject");
        String json = new String(merkle.entry(0), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outcome\":\"refused Server.ServerProxy.AccessDenied\""), json);
    }

    @Test
    void checkAccepting_delegatesToInner() {
        MessageLog refusing = new MessageLog() {
            @Override
            public CompletableFuture<Void> append(ExchangeRecord record) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void checkAccepting() throws TimestampingOverdueException {
                throw new TimestampingOverdueException("overdue");
            }
        };

        assertThrows(TimestampingOverdueException.class, () -> logging(refusing).checkAccepting());
    }
}
