package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.testing.FreePorts;

/**
 * {@code GET /health} as a load balancer polls it, on a server in its first hour: created, serving
 * its admin API, but without an authentication certificate and with its registry not answering.
 * No key is needed, the answer is 503, and each check says what holds and what does not.
 */
class ServerHealthCliTest {

    @TempDir
    Path dir;

    private final CliRunner xroad = new CliRunner(Map.of(PinOptions.ENV, "test-pin-1234"));

    @Test
    void newServer_downWithEachCheckNamed() throws IOException, InterruptedException, JsonProcessingException {
        int admin = initServer();

        StringWriter out = new StringWriter();
        Thread server = xroad.start(out, "server", "serve", "--dir", dir.resolve("ss1").toString());
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/health"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    break;
                } catch (java.net.ConnectException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(health != null, "the admin API did not start: " + out);
            assertEquals(503, health.statusCode(), health.body());
            JsonNode body = ProtocolJson.mapper().readTree(health.body());
            assertEquals("DOWN", body.path("status").asText());
            JsonNode checks = body.path("checks");
            assertEquals("DOWN", checks.path("messagePath").asText(), health.body());
            assertEquals("DOWN", checks.path("globalConfiguration").asText(), health.body());
            assertEquals("UP", checks.path("database").asText(), health.body());
            assertEquals("UP", checks.path("messageLog").asText(), health.body());
            String problems = body.path("problems").toString();
            assertTrue(problems.contains("no authentication certificate imported yet"), problems);
            assertTrue(problems.contains("global configuration: no global configuration for instance 'DEMO'"),
                    problems);
            assertFalse(health.body().contains("xsk_"), "no key in the answer");
        } finally {
            server.interrupt();
            server.join(10_000);
        }
    }

    /** A registry and a server made with the CLI, on H2; returns the server's admin port. */
    private int initServer() {
        int registryPort = FreePorts.one();
        CliRunner.Run registry = xroad.run("registry", "init", "--dir", dir.resolve("registry").toString(),
                "--instance", "DEMO", "--url", "http://127.0.0.1:" + registryPort);
        assertEquals(0, registry.exitCode(), registry.err());
        assertEquals(0, xroad.run("registry", "anchor", "--dir", dir.resolve("registry").toString(), "--out",
                dir.resolve("anchor.json").toString()).exitCode());
        int admin = FreePorts.one();
        CliRunner.Run init = xroad.run("server", "init", "--dir", dir.resolve("ss1").toString(), "--server-id",
                "DEMO/GOV/1001/ss1", "--anchor", dir.resolve("anchor.json").toString(), "--admin", "127.0.0.1:" + admin,
                "--client-proxy", "127.0.0.1:" + FreePorts.one(), "--server-proxy", "127.0.0.1:" + FreePorts.one());
        assertEquals(0, init.exitCode(), init.err());
        return admin;
    }

    @Test
    void serveAsANode_onH2OrWithABadName_isRefusedSayingWhy() {
        initServer();
        CliRunner.Run onH2 = xroad.run("server", "serve", "--dir", dir.resolve("ss1").toString(), "--node", "node1");
        assertEquals(1, onH2.exitCode(), onH2.out());
        assertTrue(onH2.err().contains("a clustered node (--node node1)") && onH2.err().contains("PostgreSQL")
                && onH2.err().contains("databaseUrl"), onH2.err());
        CliRunner.Run badName = xroad.run("server", "serve", "--dir", dir.resolve("ss1").toString(), "--node", "Node-1");
        assertEquals(1, badName.exitCode(), badName.out());
        assertTrue(badName.err().contains("node name 'Node-1' is not one"), badName.err());
        assertFalse(badName.err().contains("Exception"), "no stack trace: " + badName.err());
    }
}
