package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.certs.token.Pin;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.cli.demo.JsonApi;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.log.ChainVerification;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.message.MessageSignatures;

/**
 * Two nodes of the population registry's security server, one server identity behind a TCP
 * balancer, sharing a real PostgreSQL database: node a runs in the demo network (in this JVM),
 * node b is {@code xroad server serve --node b} in a JVM of its own, started from a copy of node
 * a's directory with its own ports. A service added through node a's admin API answers through
 * node b; node b killed with SIGKILL under load leaves node a answering; every exchange the tax
 * board's information systems got a 200 for is in a node's message log, and the
 * server's one access log holds every event once with unbroken subject chains.
 */
class ClusteredNodesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBJECT = "EE38001010001";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TcpBalancer balancer;
    private DemoNetwork network;
    private Process nodeB;

    @AfterEach
    void stop() throws IOException {
        if (nodeB != null) {
            nodeB.destroyForcibly();
        }
        if (network != null) {
            network.close();
        }
        if (balancer != null) {
            balancer.close();
        }
    }

    @Test
    void twoNodesBehindABalancer_shareConfigurationAndAccessLog_andOneKilledUnderLoadLeavesTheOtherAnswering()
            throws IOException, InterruptedException, DemoException, ConfigException, ServerException,
            MessageLogException {
        DatabaseSettings database = TestPostgres.shared().newDatabase(dir);
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        balancer = TcpBalancer.start(List.of(ports.providerServerProxy(1)));
        Path data = dir.resolve("demo");
        network = DemoNetwork.start(data, ports, true, Durability.FSYNC, MessageSignatures.BATCH,
                new DemoServer.Cluster(database, "127.0.0.1:" + balancer.port(), "a"), new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI consumer = network.consumer().clientProxyUrl();
        assertEquals(200, query(http, consumer, "person", "via-a-0").statusCode(), "node a answers alone first");

        Path nodeADir = network.provider().dir();
        Path nodeBDir = copyForNode(nodeADir, nodeADir.resolveSibling(nodeADir.getFileName() + "-b"));
        int nodeBServerProxy = startNodeB(nodeBDir);
        balancer.backends(List.of(nodeBServerProxy));

        // A service added through node a's admin API: node b answers it once its watch has seen the change.
        JsonApi adminA = new JsonApi("node a admin", network.provider().adminUrl(), network.provider().apiKey(), http);
        adminA.post("/services", Map.of("id", "DEMO/GOV/1001/population/address", "url",
                network.personServiceUrl().toString(), "timeoutSeconds", 30, "personalData", true));
        adminA.post("/access-rights", Map.of("service", "DEMO/GOV/1001/population/address", "subject",
                "DEMO/GOV/1002/tax", "method", "GET", "path", "/**", "purposes", List.of("tax-assessment")));
        HttpResponse<String> throughB = awaitOk(http, consumer, "address", "via-b-address");
        assertEquals(200, throughB.statusCode(), throughB.body());
        // Its evidence is exported from node b's log after node b is killed (below): it must be
        // time-stamped first, by node b's own timestamper, which the kill ends.
        CliRunner withPin = new CliRunner(Map.of(PinOptions.ENV, DemoNetwork.DEVELOPMENT_PIN));
        Path bundle = dir.resolve("evidence-b.json");
        String[] exportB = {"evidence", "export", "--server-dir", nodeBDir.toString(), "--node", "b",
                "--query-id", "via-b-address", "--side", "provider", "--out", bundle.toString()};
        long stampDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        CliRunner.Run stamped = withPin.run(exportB);
        while (stamped.exitCode() != 0 && System.nanoTime() < stampDeadline) {
            Thread.sleep(500);
            stamped = withPin.run(exportB);
        }
        assertEquals(0, stamped.exitCode(), "node b time-stamps what it answered: " + stamped.out() + stamped.err());

        // Both nodes behind the balancer, then node b killed under load.
        balancer.backends(List.of(ports.providerServerProxy(1), nodeBServerProxy));
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        AtomicBoolean load = new AtomicBoolean(true);
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Thread client = new Thread(() -> {
                while (load.get()) {
                    String id = "load-" + sequence.incrementAndGet();
                    sentAt.put(id, System.nanoTime());
                    try {
                        outcomes.put(id, query(http, consumer, "person", id).statusCode());
                    } catch (IOException e) {
                        outcomes.put(id, -1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "cluster-client-" + c);
            client.start();
            clients.add(client);
        }
        // Counted, not timed: the kill comes after some answers, however slow the machine is.
        long okBeforeKill = awaitAnswers(outcomes, sentAt, Long.MIN_VALUE, 20);
        nodeB.destroyForcibly(); // SIGKILL: no stopping, no draining
        assertTrue(nodeB.waitFor(10, TimeUnit.SECONDS));
        long killedAt = System.nanoTime();
        Thread.sleep(2000); // past the second of grace below, so that the load meets the dead node
        awaitAnswers(outcomes, sentAt, killedAt, 20);
        load.set(false);
        for (Thread client : clients) {
            client.join(DEADLINE.toMillis());
        }
        assertTrue(okBeforeKill >= 20, okBeforeKill + " answers before the kill");
        List<String> failedLater = outcomes.entrySet().stream()
                .filter(e -> e.getValue() != 200 && sentAt.get(e.getKey()) > killedAt + TimeUnit.SECONDS.toNanos(1))
                .map(e -> e.getKey() + "=" + e.getValue()).toList();
        assertTrue(failedLater.isEmpty(), "a second after node b died, node a answers everything: " + failedLater);
        long okAfterKill = outcomes.entrySet().stream()
                .filter(e -> e.getValue() == 200 && sentAt.get(e.getKey()) > killedAt).count();
        assertTrue(okAfterKill > 10, okAfterKill + " answers after the kill");

        network.close();
        Set<String> answered = new java.util.HashSet<>();
        outcomes.forEach((id, status) -> {
            if (status == 200) {
                answered.add(id);
            }
        });
        answered.add("via-a-0");
        answered.add("via-b-address");
        Map<String, String> nodeOf = assertEachInExactlyOneNodesLog(answered, nodeADir, nodeBDir);
        assertEquals("a", nodeOf.get("via-a-0"));
        assertEquals("b", nodeOf.get("via-b-address"), "the service added on node a was answered by node b");
        assertTrue(nodeOf.containsValue("a") && nodeOf.containsValue("b"), "both nodes answered under load");
        assertOneAccessLog(database, data, answered.size());

        // Evidence of what node b served is exported from node b's own log, and verifies offline.
        CliRunner.Run export = withPin.run(exportB);
        assertEquals(0, export.exitCode(), export.out() + export.err());
        CliRunner.Run verified = withPin.run("evidence", "verify", bundle.toString(), "--anchor",
                network.anchorFile().toString());
        assertEquals(0, verified.exitCode(), verified.out() + verified.err());
        assertTrue(verified.out().contains("evidence OK"), verified.out());
    }

    /**
     * Waits until at least {@code wanted} queries sent after {@code since} (nanoTime) were answered
     * 200, at most a minute; returns how many were.
     */
    private static long awaitAnswers(Map<String, Integer> outcomes, Map<String, Long> sentAt, long since, int wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long ok;
        do {
            Thread.sleep(100);
            ok = outcomes.entrySet().stream()
                    .filter(e -> e.getValue() == 200 && sentAt.get(e.getKey()) > since).count();
        } while (ok < wanted && System.nanoTime() < deadline);
        return ok;
    }

    private static HttpResponse<String> query(HttpClient http, URI consumer, String service, String id)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(consumer + "/r1/DEMO/GOV/1001/population/" + service + "/"
                        + SUBJECT)).timeout(DEADLINE).header("X-Road-Client", "DEMO/GOV/1002/tax")
                .header("X-Road-Purpose", "tax-assessment").header("X-Road-Subject", SUBJECT).header("X-Road-Id", id)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks until the call answers 200 (a node's configuration watch runs every 2 s), at most 15 s. */
    private static HttpResponse<String> awaitOk(HttpClient http, URI consumer, String service, String id)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<String> last;
        int attempt = 0;
        do {
            last = query(http, consumer, service, attempt++ == 0 ? id : id + "-" + attempt);
            if (last.statusCode() == 200) {
                if (attempt > 1) {
                    // the id that answered is what the logs must hold
                    return query(http, consumer, service, id);
                }
                return last;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        return last;
    }

    /**
     * Node b's directory: a copy of node a's without its message log's journal (each node keeps
     * its own), with ports of its own in {@code server.yaml}; everything else (the token, the
     * anchor, the database settings) as node a has it.
     */
    private static Path copyForNode(Path from, Path to) throws IOException, ConfigException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path relative = from.relativize(file);
                if (relative.startsWith("messagelog-journal")) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to.resolve(relative.toString()));
                } else {
                    Files.copy(file, to.resolve(relative.toString()));
                }
            }
        }
        ServerSettings a = ServerSettings.load(from);
        new ServerSettings(a.serverId(), a.anchor(), loopback(FreePorts.one()), null, loopback(FreePorts.one()),
                a.serverAddress(), loopback(FreePorts.one()), a.maxBodyBytes(), a.globalConfRefreshSeconds(),
                a.ocspRefreshSeconds(), a.messageLogDurability(), a.checkpointIntervalSeconds(), a.idleTimeoutSeconds(),
                a.headerTimeoutSeconds(), a.maxConnections(), a.maxBytesInFlight(), a.messageSignatures(), a.database())
                .save(to);
        return to;
    }

    private static java.net.InetSocketAddress loopback(int port) {
        return new java.net.InetSocketAddress("127.0.0.1", port);
    }

    /** Starts {@code xroad server serve --node b} in a JVM of its own; returns its server proxy's port once it listens. */
    private int startNodeB(Path nodeDir) throws IOException, InterruptedException, ConfigException {
        Path pinFile = dir.resolve("pin");
        Files.writeString(pinFile, DemoNetwork.DEVELOPMENT_PIN + "\n");
        Path log = dir.resolve("node-b.log");
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no java command"));
        nodeB = new ProcessBuilder(java, "-cp", ManagementFactory.getRuntimeMXBean().getClassPath(),
                Xroad.class.getName(), "server", "serve", "--dir", nodeDir.toString(), "--node", "b", "--pin-file",
                pinFile.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerSettings settings = ServerSettings.load(nodeDir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (java.net.Socket probe = new java.net.Socket(settings.serverProxy().getAddress(),
                    settings.serverProxy().getPort())) {
                return settings.serverProxy().getPort();
            } catch (IOException notYet) {
                if (!nodeB.isAlive() || System.nanoTime() > deadline) {
                    fail("node b did not open its server proxy (exit " + (nodeB.isAlive() ? "-" : nodeB.exitValue())
                            + "):\n" + Files.readString(log));
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Each answered exchange is in a node's message log (node b's after its journal is replayed),
     * both chains intact; returns which node holds each (node a for one both hold). Both may hold
     * one: a GET that node b logged and was killed before answering is idempotent, so the
     * consumer's server sends it again on a new connection (RFC 9110 section 9.2.2), which the
     * balancer hands to node a; both nodes then served it, and each logged what it served.
     */
    private static Map<String, String> assertEachInExactlyOneNodesLog(Set<String> answered, Path nodeADir,
                                                                      Path nodeBDir)
            throws ServerException, MessageLogException {
        Map<String, String> nodeOf = new java.util.HashMap<>();
        for (Map.Entry<String, Path> node : List.of(Map.entry("b", nodeBDir), Map.entry("a", nodeADir))) {
            try (ServerHome home = ServerHome.open(node.getValue(), Pin.of(DemoNetwork.DEVELOPMENT_PIN),
                    new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC());
                 H2MessageLog log = home.openMessageLog(node.getKey())) {
                ChainVerification chain = log.verifyChain();
                assertTrue(chain.intact(), "node " + node.getKey() + ": " + chain);
                for (String id : answered) {
                    if (log.find(id, "provider").isPresent()) {
                        nodeOf.put(id, node.getKey());
                    }
                }
            }
        }
        List<String> missing = answered.stream().filter(id -> !nodeOf.containsKey(id)).toList();
        assertTrue(missing.isEmpty(), "in a node's log: missing " + missing + " of " + answered.size());
        return nodeOf;
    }

    /** The server's one access log: every event once (at least one per answered exchange), one unbroken chain for the subject. */
    private static void assertOneAccessLog(DatabaseSettings database, Path data, int answered) throws IOException {
        try (Database db = database.open(data.resolve("unused"), H2MerkleLog.DATABASE_NAME);
             H2AccessLog log = H2AccessLog.in(db)) {
            List<AccessLog.StoredEvent> events = log.eventsOf(SUBJECT, 100_000);
            assertEquals(log.merkleLog().size(), events.size(), "every event names the subject, each once");
            assertTrue(events.size() >= answered, events.size() + " events for " + answered + " answered exchanges");
            Long before = null;
            Set<String> ids = new java.util.HashSet<>();
            for (AccessLog.StoredEvent event : events) {
                JsonNode json = JSON.readTree(event.entry());
                if (before != null) {
                    assertEquals(before.longValue(), json.path("previous").path(SUBJECT).asLong(), json.toString());
                }
                before = event.index();
                assertTrue(ids.add(json.path("eventId").asText()), "each event once: " + json);
            }
        }
    }
}
