package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.security.SecureRandom;
import java.time.Clock;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.JsonApi;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.testing.FreePorts;

/**
 * {@code xroad demo --provider-servers 2}: the population registry's subsystem on two security
 * servers, both in network.json, and the tax board's requests served by both, as each one's
 * {@code /metrics} counts; the witnesses after their ports, and moved there on a second run.
 */
class DemoProviderServersTest {

    private static final Pattern PROVIDER_OK = Pattern.compile(
            "(?m)^xroad_exchanges_total\\{outcome=\"ok\",side=\"provider\"} ([0-9.]+)$");

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of());
    private final HttpClient http = HttpClient.newHttpClient();
    private RunningDemo running;

    @AfterEach
    void stop() throws InterruptedException {
        if (running != null) {
            running.stop();
        }
    }

    @Test
    void twoProviderServers_bothListedAndBothServe() throws IOException, InterruptedException, JsonProcessingException {
        int base = FreePorts.range(new DemoPorts(1, 2).span());
        Path data = dir.resolve("demo-data");
        running = RunningDemo.start(cli, base, data, "--provider-servers", "2");

        JsonNode network = ProtocolJson.mapper().readTree(Files.readString(data.resolve("network.json")));
        JsonNode servers = network.path("servers");
        assertEquals(3, servers.size(), servers.toString());
        List<JsonNode> providers = new ArrayList<>();
        for (JsonNode server : servers) {
            List<String> clients = new ArrayList<>();
            server.path("clients").forEach(c -> clients.add(c.asText()));
            if (clients.contains("DEMO/GOV/1001/population")) {
                providers.add(server);
            }
        }
        assertEquals(List.of("DEMO/GOV/1001/ss1", "DEMO/GOV/1001/ss2"),
                providers.stream().map(p -> p.path("id").asText()).toList());
        assertEquals("http://127.0.0.1:" + (base + 11), providers.get(1).path("clientProxy").asText());
        assertEquals("http://127.0.0.1:" + (base + 13), providers.get(1).path("admin").asText());
        assertEquals(List.of("http://127.0.0.1:" + (base + 14), "http://127.0.0.1:" + (base + 15)),
                List.of(network.path("witnesses").get(0).path("url").asText(),
                        network.path("witnesses").get(1).path("url").asText()),
                "the witnesses move to the end of the range, after ss2's ports");

        double firstBefore = served(providers.get(0));
        double secondBefore = served(providers.get(1));
        double before = firstBefore + secondBefore;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (base + 2)
                            + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
        }

        double first = served(providers.get(0));
        double second = served(providers.get(1));
        assertEquals(40, first + second - before, 0.0, "each exchange counted once, by the server that served it");
        // Each request goes to either server with a chance of at least 1 in 5 (a server slower to
        // connect to costs at most 4 times an idle one), so 40 requests leave one idle about
        // once in 4,000 runs; a fixed share (it was 5 each) failed in CI with 4 and 36.
        assertTrue(first - firstBefore >= 1 && second - secondBefore >= 1, "both served: ss1 "
                + (first - firstBefore) + ", ss2 " + (second - secondBefore));
    }

    @Test
    void secondRunWithAnotherServer_listsTheMovedWitnessesAtTheirNewPortsWithTheSameKeys()
            throws org.xroadng.cli.demo.DemoException {
        int base = FreePorts.range(new DemoPorts(1, 2).span());
        Path data = dir.resolve("moved");
        Progress quiet = new Progress(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        List<String> keysBefore = new ArrayList<>();
        try (DemoNetwork one = DemoNetwork.start(data, new DemoPorts(base, 1), new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), quiet)) {
            one.witnesses().forEach(w -> keysBefore.add(w.verifierKey().format()));
        }
        try (DemoNetwork two = DemoNetwork.start(data, new DemoPorts(base, 2), new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), quiet)) {
            JsonNode listed = new JsonApi("registry", two.registryUrl(), two.registryApiKey(), http).get("/witnesses");
            Map<String, String> urls = new java.util.TreeMap<>();
            List<String> keys = new ArrayList<>();
            listed.path("witnesses").forEach(w -> {
                urls.put(w.path("name").asText(), w.path("url").asText());
                keys.add(w.path("verifierKey").asText());
            });
            assertEquals(Map.of("DEMO/registry-witness", "http://127.0.0.1:" + (base + 1) + "/tlog-witness",
                    "ombudsman.demo.example/witness", "http://127.0.0.1:" + (base + 14),
                    "university.demo.example/witness", "http://127.0.0.1:" + (base + 15)), urls);
            assertTrue(keys.containsAll(keysBefore), "the same witnesses, keys kept: " + keys + " " + keysBefore);
            assertEquals(2, listed.path("quorum").asInt(), listed.toString());
        }
    }

    @Test
    void providerServersOutOfRange_refused() {
        CliRunner.Run result = cli.run("demo", "--provider-servers", "0", "--data-dir", dir.resolve("d").toString());

        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("--provider-servers 0 is not allowed; choose 1..4"), result.err());
        assertTrue(Files.notExists(dir.resolve("d")), "nothing created");
    }

    /** The exchanges this server served as the provider, from its {@code /metrics}. */
    private double served(JsonNode server) throws IOException, InterruptedException {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(server.path("admin").asText() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = PROVIDER_OK.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
