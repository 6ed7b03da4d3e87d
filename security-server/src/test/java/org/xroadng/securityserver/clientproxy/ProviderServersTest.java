package org.xroadng.securityserver.clientproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;

/** The order in which a consumer's server tries a provider's servers, with a clock the test moves. */
class ProviderServersTest {

    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final SubsystemId POPULATION = OWNER.subsystem("population");
    private static final SecurityServer A = server("ss1", 5501);
    private static final SecurityServer B = server("ss2", 5502);
    private static final SecurityServer C = server("ss3", 5503);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final SplittableRandom random = new SplittableRandom(42);
    private final ProviderServers servers = new ProviderServers(clock, () -> random);

    private static SecurityServer server(String code, int port) {
        return new SecurityServer(OWNER.server(code), "127.0.0.1:" + port, List.of("11".repeat(32)), List.of(POPULATION));
    }

    /** Sends {@code n} requests that each finish before the next, answered with the given connect times. */
    private Map<SecurityServer, Integer> firstChoices(int n, List<SecurityServer> candidates,
                                                      Map<SecurityServer, Long> connectNanos) {
        Map<SecurityServer, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SecurityServer first = servers.order(candidates).get(0);
            counts.merge(first, 1, Integer::sum);
            servers.begin(first).answered(connectNanos.getOrDefault(first, 100_000L));
        }
        return counts;
    }

    @Test
    void healthyServersAlike_requestsSpreadOverAll() {
        Map<SecurityServer, Integer> counts = firstChoices(3000, List.of(A, B, C), Map.of());

        for (SecurityServer s : List.of(A, B, C)) {
            assertTrue(counts.getOrDefault(s, 0) > 800, "each gets near a third: " + counts);
        }
    }

    @Test
    void everyOrder_holdsEachCandidateOnce() {
        for (int i = 0; i < 50; i++) {
            List<SecurityServer> order = servers.order(List.of(A, B, C));
            assertEquals(3, order.size());
            assertTrue(order.containsAll(List.of(A, B, C)), order.toString());
        }
    }

    @Test
    void fasterToConnect_preferredButNotExclusively() {
        Map<SecurityServer, Integer> counts = firstChoices(2000, List.of(A, B), Map.of(A, 50_000L, B, 20_000_000L));

        assertTrue(counts.get(A) > 2.5 * counts.get(B), "the fast one is preferred: " + counts);
        assertTrue(counts.getOrDefault(B, 0) > 2000 / 6, "the slow one still gets some: " + counts);
    }

    @Test
    void slowConnectLongAgo_forgotten() {
        servers.begin(B).answered(500_000_000); // one slow handshake
        servers.begin(A).answered(50_000);
        clock.advance(ProviderServers.CONNECT_HALF_LIFE.multipliedBy(20));

        Map<SecurityServer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(servers.order(List.of(A, B)).get(0), 1, Integer::sum);
        }

        assertTrue(counts.getOrDefault(B, 0) > 400, "B weighs as A again: " + counts);
    }

    @Test
    void busyServer_lessOftenFirst() {
        List<ProviderServers.Attempt> held = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            held.add(servers.begin(A)); // nine requests outstanding on A
        }
        Map<SecurityServer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(servers.order(List.of(A, B)).get(0), 1, Integer::sum);
        }

        assertTrue(counts.getOrDefault(B, 0) > 5 * counts.getOrDefault(A, 0), "the idle one first: " + counts);
        held.forEach(a -> a.answered(100_000));
    }

    @Test
    void notSent_serverLastUntilItsBackoffEndsThenProbedOnce() {
        servers.begin(A).notSent();

        for (int i = 0; i < 20; i++) {
            assertEquals(A, servers.order(List.of(A, B, C)).get(2), "A is last while down");
        }
        assertTrue(servers.isDown(A));

        clock.advance(ProviderServers.FIRST_BACKOFF.minusMillis(1));
        assertEquals(A, servers.order(List.of(A, B, C)).get(2), "still last 1 ms before its back-off ends");
        clock.advance(Duration.ofMillis(1));
        assertEquals(A, servers.order(List.of(A, B, C)).get(0), "probed first once its back-off is over");
        for (int i = 0; i < 20; i++) {
            assertEquals(A, servers.order(List.of(A, B, C)).get(2), "only one request probes at a time");
        }
    }

    @Test
    void probeAnswered_serverHealthyAgain() {
        servers.begin(A).notSent();
        clock.advance(ProviderServers.FIRST_BACKOFF);
        assertEquals(A, servers.order(List.of(A, B)).get(0));

        servers.begin(A).answered(100_000);

        assertFalse(servers.isDown(A));
        Map<SecurityServer, Integer> counts = firstChoices(400, List.of(A, B), Map.of());
        assertTrue(counts.getOrDefault(A, 0) > 100, "A takes its share again: " + counts);
    }

    @Test
    void repeatedFailures_backoffDoublesUpToTheCap() {
        assertEquals(1_000, ProviderServers.backoffMillis(1));
        assertEquals(2_000, ProviderServers.backoffMillis(2));
        assertEquals(4_000, ProviderServers.backoffMillis(3));
        assertEquals(ProviderServers.MAX_BACKOFF.toMillis(), ProviderServers.backoffMillis(7));
        assertEquals(ProviderServers.MAX_BACKOFF.toMillis(), ProviderServers.backoffMillis(1000));

        servers.begin(A).notSent();
        clock.advance(Duration.ofSeconds(1));
        assertEquals(A, servers.order(List.of(A, B)).get(0), "probe after 1 s");
        servers.begin(A).notSent(); // the probe failed: 2 s now
        clock.advance(Duration.ofMillis(1999));
        assertEquals(B, servers.order(List.of(A, B)).get(0), "still down 1.999 s after the second failure");
        clock.advance(Duration.ofMillis(1));
        assertEquals(A, servers.order(List.of(A, B)).get(0), "probed again after 2 s");
    }

    @Test
    void failureAfterSending_doesNotMarkTheServerDown() {
        servers.begin(A).failedAfterSending();

        assertFalse(servers.isDown(A));
    }

    @Test
    void allDown_allTriedAnywaySoonestRetryFirst() {
        servers.begin(B).notSent();
        servers.begin(B).notSent(); // B: 2 s
        clock.advance(Duration.ofMillis(100));
        servers.begin(A).notSent(); // A: 1 s from now, before B's retry
        clock.advance(Duration.ofMillis(100));
        servers.begin(C).notSent();
        servers.begin(C).notSent();
        servers.begin(C).notSent(); // C: 4 s

        assertEquals(List.of(A, B, C), servers.order(List.of(C, B, A)));
    }

    @Test
    void singleCandidate_returnedAsIsEvenWhenDown() {
        servers.begin(A).notSent();

        assertEquals(List.of(A), servers.order(List.of(A)));
    }

    @Test
    void outcomeReportedTwice_countsOnce() {
        ProviderServers.Attempt attempt = servers.begin(A);
        attempt.answered(100_000);
        attempt.notSent();

        assertFalse(servers.isDown(A));
    }
}
