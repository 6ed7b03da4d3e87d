package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.registry.RegistryException;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.log.MessageLogException;

/**
 * A full disk under load, at the level of processes: the demo network runs in its own JVM with its
 * data directory on a small tmpfs; sixteen information systems query the tax board's client proxy
 * (naming a data subject, so both servers also append access events); the test fills the
 * filesystem with a filler file until {@code ENOSPC}, keeps the load going, then deletes the filler
 * and keeps it going again.
 *
 * <p>What must hold: while the disk is full every answer is a 200 or a clean JSON error whose
 * {@code type} is the {@code X-Road-Error} header, and every request is answered within a deadline;
 * once space is back the servers answer 200 again without a restart; after a SIGTERM every 200 an
 * information system saw is in both servers' message logs, both hash chains verify, both access
 * logs open and agree with the latest checkpoint the registry's witness accepted from their server;
 * and the demo starts again on the same directory and answers.
 *
 * <p>Needs {@code mount -t tmpfs} (root on Linux); skipped, saying why, where it is not permitted.
 */
class DiskFullTest {

    private static final int CLIENTS = 16;
    /** Pause of each client between its queries, so the logs grow by a few MB/s, not tens. */
    private static final long THINK_MILLIS = 40;
    /**
     * The tmpfs: the demo starts in about 3 MB, and its H2 files grow by roughly 80 kB per logged
     * exchange (both servers, both logs) until their retained chunks are reused.
     */
    private static final String TMPFS_SIZE = "160m";
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(10);
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(15);
    /** Three of the demo's checkpoint intervals (5 s), and a margin. */
    private static final Duration WITNESS_DEADLINE = Duration.ofSeconds(20);
    private static final String PATH = "/r1/DEMO/GOV/1001/population/person/EE38001010001";
    private static final String CONSUMER = "DEMO/GOV/1002/ss1";
    private static final String PROVIDER = "DEMO/GOV/1001/ss1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<DemoJvm> demos = new ArrayList<>();
    private Path mountPoint;
    private boolean mounted;

    /** One query's fate: the phase it was sent in, and what came back (status -1: no answer). */
    private record Outcome(String id, Phase phase, int status, String error, String problem, long millis) {
        boolean clean() {
            return problem == null;
        }
    }

    private enum Phase { BEFORE, FULL, FREED }

    @AfterEach
    void stopAndUnmount() throws IOException, InterruptedException {
        for (DemoJvm demo : demos) {
            demo.process().destroyForcibly();
            demo.process().waitFor(15, TimeUnit.SECONDS);
        }
        if (mounted) {
            if (run("umount", mountPoint.toString()) != 0) {
                run("umount", "-l", mountPoint.toString());
            }
        }
    }

    @Test
    void diskFullUnderLoad_refusesCleanlyRecoversAndLogsEveryAnsweredExchange()
            throws IOException, InterruptedException, MessageLogException, ServerException, RegistryException,
            InvalidIdentifierException {
        mountTmpfs();
        Path data = mountPoint.resolve("demo-data");
        DemoPorts ports = DemoJvm.freePorts();
        URI clientProxy = DemoPorts.http(ports.consumerClientProxy());
        List<URI> health = List.of(URI.create(DemoPorts.http(ports.consumerAdmin()) + "/health"),
                URI.create(DemoPorts.http(ports.providerAdmin()) + "/health"));
        DemoJvm demo = start(ports, data);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = startClients(http, clientProxy, phase, outcomes, running);

        awaitOks(outcomes, 50, Duration.ofSeconds(20));
        long filler = fill(mountPoint.resolve("filler"));
        phase.set(Phase.FULL);
        Thread.sleep(4000);
        List<Integer> healthWhileFull = statuses(http, health);

        Files.delete(mountPoint.resolve("filler"));
        long freedAt = System.nanoTime();
        phase.set(Phase.FREED);
        Duration recovery;
        try {
            recovery = awaitRecovery(http, health, outcomes, freedAt);
        } catch (AssertionError e) {
            // what the servers said about their storage since, to find out why they did not recover
            throw new AssertionError(e.getMessage() + "\nthe servers' warnings and errors:\n" + warnings(demo, 200), e);
        }
        Thread.sleep(2000);
        running.set(false);
        for (Thread client : clients) {
            client.join(ANSWER_DEADLINE.plusSeconds(5).toMillis());
            assertFalse(client.isAlive(), client.getName() + " ended: its last request was answered in time");
        }
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> after = http.send(query(clientProxy, "disk-after-" + i), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "query " + i + " after recovery: " + after.body());
        }

        List<Outcome> all = List.copyOf(outcomes);
        String summary = summary(all, filler, healthWhileFull, recovery);
        System.out.println(summary);
        List<Outcome> unclean = all.stream().filter(o -> !o.clean()).toList();
        assertTrue(unclean.isEmpty(), unclean.size() + " answers were neither a 200 nor a clean refusal, e.g. "
                + unclean.subList(0, Math.min(5, unclean.size())) + "\n" + summary);
        // H2 may go on writing into free space inside its files once it has reopened them, so refusals
        // can end before the filler goes; but the failed writes while filling must have been noticed.
        assertTrue(all.stream().anyMatch(o -> o.phase() != Phase.FREED && o.status() != 200),
                "the full disk was noticed: some exchange was refused\n" + summary);

        awaitWitnessed(http, ports, demo);
        demo.stop();
        Set<String> answered = all.stream().filter(o -> o.status() == 200).map(Outcome::id)
                .collect(Collectors.toSet());
        Path servers = data.resolve("servers");
        try {
            DemoLogChecks.assertLogged(servers.resolve(DemoLogChecks.CONSUMER_DIR), "consumer", answered);
            DemoLogChecks.assertLogged(servers.resolve(DemoLogChecks.PROVIDER_DIR), "provider", answered);
        } catch (AssertionError e) {
            // what the servers said about their storage while the disk was full, to find out why
            throw new AssertionError(e.getMessage() + "\n" + summary + "\nthe servers' warnings and errors:\n"
                    + warnings(demo, 200), e);
        }
        try {
            DemoLogChecks.assertWitnessed(data, true);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + summary + "\nthe demo's warnings and errors:\n"
                    + warnings(demo, 200), e);
        }

        DemoJvm again = start(ports, data);
        HttpResponse<String> restarted = http.send(query(clientProxy, "disk-after-restart"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, restarted.statusCode(), restarted.body());
        again.stop();
    }

    private void mountTmpfs() throws IOException, InterruptedException {
        mountPoint = Files.createDirectory(dir.resolve("tmpfs"));
        Path out = dir.resolve("mount.out");
        int code;
        try {
            code = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mountPoint.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start().waitFor();
        } catch (IOException e) {
            code = -1;
            Files.writeString(out, e.getMessage());
        }
        mounted = code == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here (needs root and mount permission): exit " + code
                + ", " + Files.readString(out).strip());
    }

    private DemoJvm start(DemoPorts ports, Path data) throws IOException, InterruptedException {
        DemoJvm demo = DemoJvm.start(ports, data, dir.resolve("demo-" + (demos.size() + 1) + ".log"));
        demos.add(demo);
        return demo;
    }

    /**
     * Writes {@code file} until the filesystem refuses with no space left: 1 MB writes, then 4 kB
     * ones for the last pages. Returns the bytes written.
     */
    private static long fill(Path file) throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int chunk : new int[] {1 << 20, 4096}) {
                byte[] block = new byte[chunk];
                try {
                    while (true) {
                        out.write(block);
                        out.flush();
                        written += chunk;
                    }
                } catch (IOException full) {
                    assertTrue(String.valueOf(full.getMessage()).contains("No space left"),
                            "the filler stopped for want of space, not for " + full);
                }
            }
        } catch (IOException closingAFullFile) {
            // Nothing is buffered: every write above was flushed or refused.
        }
        return written;
    }

    private static List<Thread> startClients(HttpClient http, URI clientProxy, AtomicReference<Phase> phase,
                                             ConcurrentLinkedQueue<Outcome> outcomes, AtomicBoolean running) {
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    String id = "disk-" + sequence.incrementAndGet();
                    outcomes.add(exchange(http, clientProxy, id, phase.get()));
                    try {
                        Thread.sleep(THINK_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "disk-client-" + c);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        return clients;
    }

    /** Sends one query and judges the answer: a 200, or a JSON error whose type is the X-Road-Error header. */
    private static Outcome exchange(HttpClient http, URI clientProxy, String id, Phase phase) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(query(clientProxy, id), HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            String error = response.headers().firstValue("X-Road-Error").orElse(null);
            if (response.statusCode() == 200) {
                return new Outcome(id, phase, 200, error, error == null ? null : "200 with X-Road-Error", millis);
            }
            return new Outcome(id, phase, response.statusCode(), error, refusalProblem(response, error), millis);
        } catch (HttpTimeoutException e) {
            return new Outcome(id, phase, -1, null, "no answer in " + ANSWER_DEADLINE, ANSWER_DEADLINE.toMillis());
        } catch (IOException e) {
            return new Outcome(id, phase, -1, null, "connection failed: " + e, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(id, phase, -1, null, "interrupted", 0);
        }
    }

    /** Why a refusal is not clean, or null when it is. */
    private static String refusalProblem(HttpResponse<String> response, String error) {
        if (error == null) {
            return response.statusCode() + " without X-Road-Error: " + response.body();
        }
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            return response.statusCode() + " " + error + " not JSON: " + response.headers().map();
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (!error.equals(body.path("type").asText()) || !body.path("message").isTextual()) {
                return response.statusCode() + " " + error + " body does not name it: " + response.body();
            }
            return null;
        } catch (IOException e) {
            return response.statusCode() + " " + error + " malformed JSON: " + response.body();
        }
    }

    private static HttpRequest query(URI clientProxy, String id) {
        return HttpRequest.newBuilder(URI.create(clientProxy + PATH)).timeout(ANSWER_DEADLINE)
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Subject", "EE38001010001").header("X-Road-Id", id).build();
    }

    /**
     * Waits until the registry's witness holds a checkpoint from both servers. The servers publish
     * every few seconds; a publication that fell in the full phase failed (the registry shares the
     * disk), so the next one, after space came back, must get through.
     */
    private static void awaitWitnessed(HttpClient http, DemoPorts ports, DemoJvm demo) throws InterruptedException {
        long deadline = System.nanoTime() + WITNESS_DEADLINE.toNanos();
        for (String server : List.of(CONSUMER, PROVIDER)) {
            URI latest = URI.create(DemoPorts.http(ports.registry()) + "/witness/checkpoints/" + server);
            int status = -1;
            while (status != 200) {
                if (System.nanoTime() > deadline) {
                    fail("the registry's witness holds no checkpoint from " + server + " " + WITNESS_DEADLINE
                            + " after recovery (last answer " + status + "); the demo said:\n" + warnings(demo, 100));
                }
                try {
                    status = http.send(HttpRequest.newBuilder(latest).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException e) {
                    status = -1;
                }
                if (status != 200) {
                    Thread.sleep(250);
                }
            }
        }
    }

    /** The first {@code limit} lines of what the demo logged at WARN or ERROR. */
    private static String warnings(DemoJvm demo, int limit) {
        return demo.output().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).limit(limit)
                .collect(Collectors.joining("\n"));
    }

    private static void awaitOks(ConcurrentLinkedQueue<Outcome> outcomes, int oks, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (outcomes.stream().filter(o -> o.status() == 200).count() < oks) {
            if (System.nanoTime() > deadline) {
                fail("fewer than " + oks + " answers in " + within + ": " + List.copyOf(outcomes));
            }
            Thread.sleep(50);
        }
    }

    /**
     * Waits until, after the filler is gone, a query sent then was answered 200 and both servers say
     * {@code UP}; returns how long that took from {@code freedAt}.
     */
    private static Duration awaitRecovery(HttpClient http, List<URI> health, ConcurrentLinkedQueue<Outcome> outcomes,
                                          long freedAt) throws InterruptedException {
        long deadline = freedAt + RECOVERY_DEADLINE.toNanos();
        while (true) {
            boolean answered = outcomes.stream().anyMatch(o -> o.phase() == Phase.FREED && o.status() == 200);
            if (answered && statuses(http, health).stream().allMatch(s -> s == 200)) {
                return Duration.ofNanos(System.nanoTime() - freedAt);
            }
            if (System.nanoTime() > deadline) {
                fail("no recovery " + RECOVERY_DEADLINE + " after space came back: health " + statuses(http, health)
                        + ", answers since " + byStatus(outcomes.stream().filter(o -> o.phase() == Phase.FREED).toList()));
            }
            Thread.sleep(100);
        }
    }

    private static List<Integer> statuses(HttpClient http, List<URI> uris) throws InterruptedException {
        List<Integer> statuses = new ArrayList<>();
        for (URI uri : uris) {
            try {
                statuses.add(http.send(HttpRequest.newBuilder(uri).timeout(ANSWER_DEADLINE).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException e) {
                statuses.add(-1);
            }
        }
        return statuses;
    }

    private static Map<String, Long> byStatus(List<Outcome> outcomes) {
        return outcomes.stream().collect(Collectors.groupingBy(
                o -> o.status() + (o.error() == null ? "" : " " + o.error()), TreeMap::new, Collectors.counting()));
    }

    private static String summary(List<Outcome> all, long filler, List<Integer> healthWhileFull, Duration recovery) {
        StringBuilder s = new StringBuilder("disk full under load: filler " + filler / (1024 * 1024) + " MB; health"
                + " while full " + healthWhileFull + "; recovered " + recovery.toMillis() + " ms after the filler went\n");
        for (Phase p : Phase.values()) {
            List<Outcome> in = all.stream().filter(o -> o.phase() == p).toList();
            long slowest = in.stream().mapToLong(Outcome::millis).max().orElse(0);
            s.append(String.format("  %-6s %5d queries, slowest %5d ms: %s%n", p, in.size(), slowest, byStatus(in)));
        }
        return s.toString();
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
