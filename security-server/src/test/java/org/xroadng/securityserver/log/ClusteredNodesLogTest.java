package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.TestPostgres;

/**
 * Two nodes of one clustered security server on one PostgreSQL database: each node's message log
 * (its journal in its own directory, its index in schema {@code messagelog_<node>}) and the
 * server's one access log, which the nodes take turns at appending to.
 */
class ClusteredNodesLogTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final MessageLogKey KEY = LogFixtures.key(7);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SUBJECTS = List.of("EE1", "EE2", "EE3", "EE4", "EE5");

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.fixed(AT, ZoneOffset.UTC);

    @TempDir
    Path dir;


    private static ExchangeRecord exchange(String queryId, String subject) {
        return LogFixtures.providerExchange(queryId, "/person/" + subject, List.of(subject), AT);
    }

    private DatabaseSettings database() {
        return TestPostgres.shared().databaseFor(dir);
    }

    private H2MessageLog node(String name) throws MessageLogException, IOException {
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + name));
        return H2MessageLog.open(database(), name, nodeDir.resolve("messagelog"), nodeDir.resolve("accesslog"), KEY,
                bc, random, clock, MessageLogSettings.defaults(), MessageLogListener.NONE);
    }

    private static void appendAll(H2MessageLog log, String prefix, int count)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(log.append(exchange(prefix + i, SUBJECTS.get(i % SUBJECTS.size()))));
        }
        for (CompletableFuture<Void> future : futures) {
            future.get(20, TimeUnit.SECONDS);
        }
        log.awaitTables(); // answered once durable in the journal; in the tables right after
    }

    /**
     * Checks every subject's events form one chain: each event's {@code previous} link for the
     * subject is the index of the subject's event before it in the log. Returns the query ids the
     * log holds, each once.
     */
    private static Set<String> assertChainsAndCollect(AccessLog log, int total) throws IOException {
        Set<String> queries = new HashSet<>();
        int events = 0;
        for (String subject : SUBJECTS) {
            List<AccessLog.StoredEvent> stored = log.eventsOf(subject, 10_000);
            Long before = null;
            for (AccessLog.StoredEvent event : stored) {
                JsonNode json = JSON.readTree(event.entry());
                JsonNode link = json.path("previous").path(subject);
                if (before == null) {
                    assertTrue(link.isMissingNode(), subject + "'s first event links to nothing: " + json);
                } else {
                    assertEquals(before.longValue(), link.asLong(), subject + " at " + event.index() + ": " + json);
                }
                before = event.index();
                assertTrue(queries.add(json.path("queryId").asText()), "one event per exchange: " + json);
                events++;
            }
        }
        assertEquals(total, events);
        return queries;
    }

    @Test
    void twoNodesAtOnce_oneAccessLogWithEveryEventOnceAndUnbrokenSubjectChains_eachNodeItsOwnRecords()
            throws MessageLogException, IOException, InterruptedException, ExecutionException, TimeoutException,
            SQLException {
        try (H2MessageLog a = node("a"); H2MessageLog b = node("b")) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                H2MessageLog log = t % 2 == 0 ? a : b;
                String prefix = (t % 2 == 0 ? "a" : "b") + t + "-";
                Thread thread = new Thread(() -> {
                    try {
                        for (int round = 0; round < 5; round++) {
                            appendAll(log, prefix + round + "-", 10);
                        }
                    } catch (InterruptedException | ExecutionException | TimeoutException e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            assertTrue(failures.isEmpty(), failures.toString());

            assertTrue(a.find("a0-0-0", "provider").isPresent());
            assertFalse(a.find("b1-0-0", "provider").isPresent(), "node b's records are not in node a's log");
            assertTrue(b.find("b1-4-9", "provider").isPresent());
            assertEquals(200, ((ChainVerification.Intact) a.verifyChain()).records());
            assertEquals(200, ((ChainVerification.Intact) b.verifyChain()).records());
        }
        try (Connection c = TestPostgres.connect(database(), "messagelog_a")) {
            assertEquals(200, Jdbc.count(c, "SELECT COUNT(*) FROM message_record"), "node a's index in its schema");
        }
        try (Database db = database().open(dir.resolve("unused"), H2MerkleLog.DATABASE_NAME);
             H2AccessLog shared = H2AccessLog.in(db)) {
            assertEquals(200, shared.merkleLog().size(), "no gap, no index given twice");
            Set<String> queries = assertChainsAndCollect(shared, 200);
            assertTrue(queries.contains("a0-0-0") && queries.contains("b3-4-9"), queries.toString());
        }
    }

    @Test
    void oneNodeAtATimePublishesCheckpoints_fromTheLogAsEveryNodeAppendedIt_andAnotherTakesOverWhenItStops()
            throws MessageLogException, IOException, InterruptedException, ExecutionException, TimeoutException {
        try (H2MessageLog b = node("b")) {
            H2AccessLog bLog = b.accessLog().orElseThrow();
            try (H2MessageLog a = node("a")) {
                H2AccessLog aLog = a.accessLog().orElseThrow();
                assertTrue(aLog.publishingTurn(), "the first to ask publishes");
                assertFalse(bLog.publishingTurn(), "one publisher at a time");
                appendAll(b, "b-", 4);
                assertTrue(aLog.publishingTurn());
                assertEquals(4, aLog.merkleLog().size(), "node a publishes from node b's appends too");
            }
            // PostgreSQL releases node a's advisory lock once its backend has seen the connection
            // close, a moment after close() returns; node b asks again at each checkpoint interval.
            boolean tookOver = bLog.publishingTurn();
            for (int attempt = 0; attempt < 100 && !tookOver; attempt++) {
                Thread.sleep(100);
                tookOver = bLog.publishingTurn();
            }
            assertTrue(tookOver, "node a stopped: node b takes over within 10 s");
        }
    }

    @Test
    void aSecondProcessWithTheSameNodeName_isRefusedNamingTheSchema() throws MessageLogException, IOException {
        try (H2MessageLog a = node("a")) {
            Path other = Files.createDirectories(dir.resolve("elsewhere"));
            MessageLogException refused = assertThrows(MessageLogException.class, () -> H2MessageLog.open(database(),
                    "a", other.resolve("messagelog"), other.resolve("accesslog"), KEY, bc, random, clock,
                    MessageLogSettings.defaults(), MessageLogListener.NONE));
            assertTrue(refused.getMessage().contains("schema 'messagelog_a'"), refused.getMessage());
            assertTrue(refused.getMessage().contains("--node"), refused.getMessage());
            assertTrue(a.unavailable().isEmpty(), "the first goes on");
        }
    }

    @Test
    void eventsANodeJournaledButDidNotStore_whoseIndexesAnotherNodeTook_areAppendedAgainRelinked()
            throws MessageLogException, IOException, InterruptedException, ExecutionException, TimeoutException,
            SQLException {
        try (H2MessageLog a = node("a")) {
            appendAll(a, "a-", 3); // events 0..2 on EE1, EE2, EE3
        }
        // Node a stopped after its journal kept its last exchange and before the access log stored its
        // event (index 2): as if that store had not happened.
        try (Connection c = TestPostgres.connect(database(), H2MerkleLog.DATABASE_NAME)) {
            Jdbc.update(c, "DELETE FROM access_subject WHERE leaf_index = 2");
            // no subtree of two or more leaves covers leaf 2 of 3: no node row to remove
            Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index = 2");
        }
        try (H2MessageLog b = node("b")) {
            appendAll(b, "b-", 3); // takes indexes 2..4, on EE1, EE2, EE3
        }
        try (H2MessageLog a = node("a")) {
            assertTrue(a.find("a-2", "provider").isPresent());
        }
        try (Database db = database().open(dir.resolve("unused"), H2MerkleLog.DATABASE_NAME);
             H2AccessLog shared = H2AccessLog.in(db)) {
            assertEquals(6, shared.merkleLog().size());
            JsonNode again = JSON.readTree(shared.merkleLog().entry(5));
            assertEquals("a-2", again.path("queryId").asText(), "node a's event, appended again at the end");
            assertEquals(4, again.path("previous").path("EE3").asLong(), "linked to EE3's latest event, node b's");
            Map<String, Integer> byQuery = new HashMap<>();
            for (long i = 0; i < 6; i++) {
                byQuery.merge(JSON.readTree(shared.merkleLog().entry(i)).path("queryId").asText(), 1, Integer::sum);
            }
            assertEquals(Map.of("a-0", 1, "a-1", 1, "a-2", 1, "b-0", 1, "b-1", 1, "b-2", 1), byQuery);
            assertChainsAndCollect(shared, 6);
        }
    }

    @Test
    void restrictedEventANodeJournaledButDidNotStore_overtakenByAnotherNode_appendedAgainWithItsSecret()
            throws MessageLogException, IOException, InterruptedException, ExecutionException, TimeoutException,
            SQLException {
        Instant disclose = AT.plus(java.time.Duration.ofDays(30));
        try (H2MessageLog a = node("a")) {
            appendAll(a, "a-", 2); // events 0 and 1, on EE1 and EE2
            ExchangeRecord r = exchange("a-r", "EE3");
            a.append(new ExchangeRecord(r.side(), r.queryId(), r.requestId(), r.client(), r.service(), r.method(),
                    r.path(), r.userId(), r.issue(), r.purpose(), r.subjects(), r.dataSubjects(), r.requestSignature(),
                    r.requestBody(), r.responseSignature(), r.responseBody(), r.status(), r.at(),
                    new Restriction("police", "CPC-2015-art.88", disclose))).get(20, TimeUnit.SECONDS);
            a.awaitTables(); // event 2: a stub, its secret in the same transaction
        }
        // Node a stopped after its journal kept the restricted exchange and before the access log stored
        // its stub and secret (one transaction): as if that store had not happened.
        try (Connection c = TestPostgres.connect(database(), H2MerkleLog.DATABASE_NAME)) {
            Jdbc.update(c, "DELETE FROM access_subject WHERE leaf_index = 2");
            Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index = 2");
            assertEquals(1, Jdbc.update(c, "DELETE FROM access_sealed"));
        }
        try (H2MessageLog b = node("b")) {
            appendAll(b, "b-", 3); // takes indexes 2..4
        }
        try (H2MessageLog a = node("a")) {
            H2AccessLog shared = a.accessLog().orElseThrow();
            assertEquals(6, shared.merkleLog().size());
            byte[] stub = shared.merkleLog().entry(5);
            JsonNode again = JSON.readTree(stub);
            assertTrue(again.has("restricted"), "node a's stub, appended again at the end: " + again);
            String eventId = again.path("eventId").asText();
            List<SealedEvents.Sealed> sealed = shared.sealed().undisclosed(10);
            assertEquals(List.of(eventId), sealed.stream().map(SealedEvents.Sealed::eventId).toList(),
                    "its secret came back with it from the journal");
            assertEquals("a-r", sealed.get(0).event().get("queryId"));
            assertEquals(1, shared.sealed().discloseDue(disclose));
            AccessLogAnswer.Reveal reveal = shared.sealed().reveals(List.of(eventId)).get(eventId);
            @SuppressWarnings("unchecked")
            Map<String, Object> stubObject = JSON.readValue(stub, Map.class);
            assertEquals(java.util.Optional.empty(), RestrictedAccess.checkReveal(stubObject, reveal.salt(),
                    reveal.event()), "the secret opens the relinked stub");
        }
    }

    @Test
    void withoutPostgres_aNodeNameChangesNothing() throws MessageLogException, IOException, InterruptedException,
            ExecutionException, TimeoutException {
        Path nodeDir = Files.createDirectories(dir.resolve("h2"));
        try (H2MessageLog log = H2MessageLog.open(DatabaseSettings.embedded(), "a", nodeDir.resolve("messagelog"),
                nodeDir.resolve("accesslog"), KEY, bc, random, clock, MessageLogSettings.defaults(),
                MessageLogListener.NONE)) {
            appendAll(log, "h-", 2);
            assertInstanceOf(ChainVerification.Intact.class, log.verifyChain());
            assertTrue(Files.exists(nodeDir.resolve("messagelog.mv.db")));
        }
    }
}
