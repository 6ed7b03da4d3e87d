package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/**
 * Two nodes of one registry on one PostgreSQL database, as behind a load balancer: a change made
 * on either is in the configuration both serve, both serve the same newest signed configuration
 * byte for byte whichever published it, publishing on both at once loses nothing, and one node
 * stopped leaves the other serving and taking changes.
 */
class RegistryNodesTest {

    @TempDir
    Path dir;

    private RegistryFixture a;
    private RegistryFixture b;

    @BeforeEach
    void start() throws IOException, RegistryException, SigningException {
        DatabaseSettings database = TestPostgres.shared().newDatabase(dir);
        a = new RegistryFixture(dir.resolve("node-a"), Clock.systemUTC(), database);
        b = RegistryFixture.secondNode(a, dir.resolve("node-b"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    private static RegistryFixture.Answer globalconf(RegistryFixture node) {
        return node.call("GET", "/globalconf", null, null);
    }

    @Test
    void changeOnEitherNode_servedByBoth_sameSignedBytes() {
        assertEquals(201, a.admin("POST", "/api/v1/member-classes", Map.of("code", "GOV", "description", "Government"))
                .status());
        assertEquals(201, b.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name",
                "Population Registry")).status(), "node B takes the API key node A made");

        RegistryFixture.Answer fromA = globalconf(a);
        RegistryFixture.Answer fromB = globalconf(b);
        assertEquals(200, fromA.status());
        assertEquals(fromA.raw().body(), fromB.raw().body(), "the same signed configuration from both nodes");
        assertEquals(fromA.raw().headers().firstValue("ETag"), fromB.raw().headers().firstValue("ETag"));
        String payload = new String(java.util.Base64.getUrlDecoder().decode(fromB.raw().body().split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(payload.contains("Population Registry") && payload.contains("Government"), payload);

        for (RegistryFixture node : java.util.List.of(a, b)) {
            RegistryFixture.Answer health = node.call("GET", "/health", null, null);
            assertEquals(200, health.status(), health.raw().body());
            assertEquals("UP", health.json().path("database").asText(), health.raw().body());
            assertEquals(fromA.raw().headers().firstValue("ETag").orElseThrow(),
                    "\"" + health.json().path("globalConfVersion").asLong() + "\"", "the version both serve");
        }
    }

    @Test
    void publishingOnBothAtOnce_everyVersionOnce_bothServeTheNewest() throws ExecutionException, InterruptedException {
        long before = a.home.registry().publisher().latest().orElseThrow().version();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Long>> published = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RegistryFixture node = i % 2 == 0 ? a : b;
            published.add(pool.submit(() -> node.home.registry().publish().version()));
        }
        List<Long> versions = new ArrayList<>();
        for (Future<Long> version : published) {
            versions.add(version.get());
        }
        pool.shutdown();
        assertEquals(20, versions.stream().distinct().count(), "each publication its own version: " + versions);
        long newest = versions.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(newest >= before + 20, "newest " + newest + " after " + before);
        assertEquals("\"" + newest + "\"", globalconf(a).raw().headers().firstValue("ETag").orElseThrow());
        assertEquals("\"" + newest + "\"", globalconf(b).raw().headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void oneNodeStopped_theOtherServesAndTakesChanges() {
        a.close();
        assertEquals(201, b.admin("POST", "/api/v1/member-classes", Map.of("code", "COM", "description",
                "Commercial")).status());
        RegistryFixture.Answer served = globalconf(b);
        assertEquals(200, served.status());
        String payload = new String(java.util.Base64.getUrlDecoder().decode(served.raw().body().split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(payload.contains("Commercial"), payload);
    }
}
