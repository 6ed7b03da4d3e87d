package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.testing.FreePorts;

/** {@code xroad portal dev-idp} serves tokens; {@code xroad portal serve} refuses a bad configuration clearly. */
class PortalCliTest {

    @TempDir
    Path dir;

    private final CliRunner xroad = new CliRunner(Map.of());

    @Test
    void devIdp_servesTokensUntilStopped() throws IOException, InterruptedException {
        int port;
        port = FreePorts.one();
        StringWriter out = new StringWriter();
        Thread server = xroad.start(out, "portal", "dev-idp", "--port", Integer.toString(port),
                "--redirect-uri", "http://127.0.0.1:8090/", "--key-dir", dir.resolve("idp").toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!out.toString().contains("Ctrl-C") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(out.toString().contains("for demos only"), out.toString());
            HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("sub=EE38001010001")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode(), token.body());
            assertTrue(token.body().contains("\"id_token\""), token.body());
            assertTrue(Files.isDirectory(dir.resolve("idp")));
        } finally {
            server.interrupt();
            server.join(10_000);
        }
    }

    @Test
    void serve_withBadConfiguration_saysWhichKey() throws IOException {
        Path config = dir.resolve("portal.yaml");
        Files.writeString(config, "anchor: anchor.json\nclientProxy: http://127.0.0.1:8080\n"
                + "portalSubsystem: DEMO/GOV/1000/portal\nissuer: http://127.0.0.1:8091\nallowedAlgorithms: none\n");

        CliRunner.Run run = xroad.run("portal", "serve", "--config", config.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("'allowedAlgorithms'") && !run.err().contains("Exception"), run.err());
    }

    @Test
    void serve_withMissingAnchor_isRefusedWithoutAStackTrace() throws IOException {
        Path config = dir.resolve("portal.yaml");
        Files.writeString(config, "anchor: missing-anchor.json\nclientProxy: http://127.0.0.1:8080\n"
                + "portalSubsystem: DEMO/GOV/1000/portal\nissuer: http://127.0.0.1:8091\nlisten: 127.0.0.1:0\n");

        CliRunner.Run run = xroad.run("portal", "serve", "--config", config.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: ") && run.err().contains("missing-anchor.json"), run.err());
    }
}
