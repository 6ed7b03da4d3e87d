package org.xroadng.cli;

import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.ServerException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoPorts;

/**
 * Crash safety of the message log: the demo network runs in its own JVM, sixteen information
 * systems query the tax board's client proxy concurrently, and the JVM is killed with SIGKILL
 * ({@link Process#destroyForcibly()}) while queries are in flight. The demo must then start again
 * on the same data directory, answer a query and stop on SIGTERM; afterwards, for every query whose
 * 200 answer reached an information system (before the kill or after the restart), both security
 * servers' logs hold the request and the response, and both hash chains verify.
 *
 * <p>This holds because a proxy answers only once its append is durable (fsync durability, the
 * demo's setting): an answer seen by the information system implies rows on disk on both sides.
 */
class CrashSafetyTest {

    private static final int CLIENTS = 16;
    private static final String CONSUMER_DIR = "DEMO_GOV_1002_ss1";
    private static final String PROVIDER_DIR = "DEMO_GOV_1001_ss1";
    /** The query sent once the demo runs again: the chains must continue past the crash. */
    private static final String AFTER_RESTART = "crash-after-restart";
    private static final String PATH = "/r1/DEMO/GOV/1001/population/person/EE38001010001";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void killedUnderLoad_restartsAndLogsEveryAnsweredExchangeWithIntactChains() throws IOException, InterruptedException, MessageLogException, ServerException,
            org.xroadng.registry.RegistryException {
        DemoPorts ports = DemoJvm.freePorts();
        Path data = dir.resolve("demo-data");

        DemoJvm first = startDemo(ports, data);
        Set<String> answered = loadThenKill(first, DemoPorts.http(ports.consumerClientProxy()));
        assertTrue(answered.size() > 20, "only " + answered.size() + " exchanges completed before the kill; output:\n"
                + first.output());

        DemoJvm second = startDemo(ports, data);
        HttpResponse<String> again = HttpClient.newHttpClient().send(query(DemoPorts.http(ports.consumerClientProxy()),
                AFTER_RESTART), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), again.body());
        second.process().destroy();
        if (!second.process().waitFor(30, TimeUnit.SECONDS)) {
            fail("the restarted demo did not stop on SIGTERM in 30 s:\n" + second.output());
        }
        assertTrue(second.output().contains("demo network stopped"), second.output());
        assertFalse(second.output().contains("\tat ") || second.output().contains("Exception"),
                "a clean stop prints no stack trace:\n" + second.output());
        try (java.util.stream.Stream<Path> files = Files.walk(data)) {
            List<Path> traces = files.filter(f -> f.getFileName().toString().endsWith(".trace.db")).toList();
            assertTrue(traces.isEmpty(), "H2 wrote trace files: " + traces);
        }

        Set<String> expected = new HashSet<>(answered);
        expected.add(AFTER_RESTART);
        DemoLogChecks.assertLogged(data.resolve("servers").resolve(CONSUMER_DIR), "consumer", expected);
        DemoLogChecks.assertLogged(data.resolve("servers").resolve(PROVIDER_DIR), "provider", expected);
        // A checkpoint the witness took before the kill still matches the access log after it.
        DemoLogChecks.assertWitnessed(data, false);
    }

    /**
     * Queries the client proxy from {@link #CLIENTS} keep-alive clients for about 1.5 s (at most
     * 20 s if fewer than 50 answers arrived by then), then kills the demo while they still send;
     * returns the query ids whose 200 answer arrived.
     */
    private Set<String> loadThenKill(DemoJvm demo, URI clientProxy) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    String id = "crash-" + sequence.incrementAndGet();
                    inFlight.incrementAndGet();
                    try {
                        HttpResponse<String> response = http.send(query(clientProxy, id),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            answered.add(id);
                        }
                    } catch (IOException refusedOrCut) {
                        // The demo was killed mid-request: nothing reached the information system.
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }
            }, "crash-client-" + c);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)
                || answered.size() < 50 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20)) {
            Thread.sleep(50);
        }
        int inFlightAtKill = inFlight.get();
        demo.process().destroyForcibly();
        assertTrue(demo.process().waitFor(15, TimeUnit.SECONDS), "the killed demo ended");
        running.set(false);
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(15));
            assertFalse(client.isAlive(), client.getName() + " ended after the kill");
        }
        assertTrue(inFlightAtKill > 0, "requests were in flight at the kill");
        return Set.copyOf(answered);
    }

    private static HttpRequest query(URI clientProxy, String id) {
        return HttpRequest.newBuilder(URI.create(clientProxy + PATH)).timeout(Duration.ofSeconds(15))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Id", id).build();
    }

    private DemoJvm startDemo(DemoPorts ports, Path data) throws IOException, InterruptedException {
        DemoJvm demo = DemoJvm.start(ports, data, dir.resolve("demo-" + (processes.size() + 1) + ".log"));
        processes.add(demo.process());
        return demo;
    }
}
