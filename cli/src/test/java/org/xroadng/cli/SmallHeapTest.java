package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Memory pressure, as a tester found it: the demo network in its own JVM with a 256 MB heap, and
 * twenty information systems posting 9.5 MB bodies at once through the tax board's client proxy
 * (granted POST on the population registry's service first, through the admin API, so the bodies
 * travel the whole way: aggregated, signed, sent, forwarded, logged encrypted on both sides).
 * Before the servers bounded the bytes they hold, this ended in an {@code OutOfMemoryError} in the
 * message log's writer and every later exchange hung. Now each body is answered or refused
 * cleanly (a JSON error with {@code X-Road-Error}), nothing hangs, no {@code OutOfMemoryError} is
 * thrown, and the servers go on answering and report themselves healthy.
 */
class SmallHeapTest {

    private static final int BODIES = 20;
    private static final int BODY_BYTES = 9_500_000;
    private static final String PATH = "/r1/DEMO/GOV/1001/population/person/EE38001010001";

    @TempDir
    Path dir;

    private Process demo;

    @AfterEach
    void stop() throws InterruptedException {
        if (demo != null) {
            demo.destroyForcibly();
            demo.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twentyConcurrentLargeBodiesUnder256MbHeap_answeredOrRefusedCleanlyAndServersGoOn()
            throws IOException, InterruptedException {
        int base = RunningDemo.freeBasePort();
        Path data = dir.resolve("demo-data");
        Path log = dir.resolve("demo.log");
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no java command"));
        demo = new ProcessBuilder(java, "-Xmx256m", "-cp", ManagementFactory.getRuntimeMXBean().getClassPath(),
                Xroad.class.getName(), "demo", "--base-port", String.valueOf(base), "--data-dir", data.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(log);

        JsonNode network = ProtocolJson.mapper().readTree(data.resolve("network.json").toFile());
        JsonNode consumer = server(network, "DEMO/GOV/1002/ss1");
        JsonNode provider = server(network, "DEMO/GOV/1001/ss1");
        Path keyFile = dir.resolve("provider-admin.key");
        Files.writeString(keyFile, provider.path("apiKey").asText());
        CliRunner.Run grant = new CliRunner(Map.of()).run("server", "acl", "grant", "--admin",
                provider.path("admin").asText(), "--api-key-file", keyFile.toString(), "--service",
                "DEMO/GOV/1001/population/person", "--subject", "DEMO/GOV/1002/tax", "--method", "POST");
        assertEquals(0, grant.exitCode(), grant.err());

        URI clientProxy = URI.create(consumer.path("clientProxy").asText() + PATH);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        byte[] body = new byte[BODY_BYTES];
        Arrays.fill(body, (byte) 'x');
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < BODIES; i++) {
            answers.add(http.sendAsync(HttpRequest.newBuilder(clientProxy).timeout(Duration.ofSeconds(90))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join(); // a hang fails on the request timeout
            String error = response.headers().firstValue("X-Road-Error").orElse(null);
            if (error != null) {
                assertTrue(response.body().contains("\"type\":\"" + error + "\""), response.body());
                assertFalse(response.body().contains("Exception"), response.body());
            }
            outcomes.merge(response.statusCode() + " " + (error == null ? "from the provider's IS" : error), 1,
                    Integer::sum);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(output.contains("OutOfMemoryError"), "no OutOfMemoryError:\n" + output);
        assertTrue(outcomes.keySet().stream().noneMatch(o -> o.contains("InternalError")), outcomes.toString());
        assertTrue(outcomes.keySet().stream().anyMatch(o -> !o.contains("Overloaded")),
                "some bodies went the whole way, to the provider's IS: " + outcomes);

        HttpResponse<String> after = http.send(HttpRequest.newBuilder(clientProxy).timeout(Duration.ofSeconds(30))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Subject", "EE38001010001").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), "the network answers after the burst: " + after.body() + " " + outcomes);
        for (JsonNode server : List.of(consumer, provider)) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create(server.path("admin").asText() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), server.path("id").asText() + ": " + health.body());
        }
        System.out.println("20 concurrent 9.5 MB bodies under -Xmx256m: " + outcomes);
    }

    private static JsonNode server(JsonNode network, String id) {
        for (JsonNode server : network.path("servers")) {
            if (id.equals(server.path("id").asText())) {
                return server;
            }
        }
        throw new AssertionError("network.json names no server " + id);
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(log) || Files.readString(log).lines().noneMatch(line -> line.startsWith("ready"))) {
            if (!demo.isAlive()) {
                fail("the demo ended before it was ready:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("the demo was not ready in 90 s:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }
}
