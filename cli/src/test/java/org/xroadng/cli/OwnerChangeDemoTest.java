package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * ownerChange on the running demo, filed and approved with the CLI as operators would: the tax
 * board's server ({@code DEMO/GOV/1002/ss1}) is handed over to the bank ({@code DEMO/COM/2001},
 * whose {@code loans} subsystem it hosts). Refused at the server before anything is signed when the
 * new owner is the owner already or has no client there; filed, it waits for the registry's
 * operator; approved, the server's configuration names the bank as owner under the same
 * identifier, the server's next request about itself is signed by the bank's key (the registry's
 * proof of the request names the signer), and the tax board's queries through the server keep
 * being answered throughout.
 */
class OwnerChangeDemoTest {

    private static final String TAX = "DEMO/GOV/1002/tax";
    private static final String BANK = "DEMO/COM/2001";
    private static final String LOANS = BANK + "/loans";
    /** The demo's servers fetch the global configuration every 10 s; allow for a loaded machine. */
    private static final Duration IN_FORCE_WITHIN = Duration.ofSeconds(45);
    private static final Pattern FILED = Pattern.compile("(\\w+) request (\\d+) filed: (\\w+)\\R?");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void ownerChange_approved_theNewOwnerSignsTheServersRequestsAndExchangesKeepFlowing()
            throws DemoException, IOException, InterruptedException {
        try (DemoNetwork network = DemoNetwork.start(dir.resolve("demo"), new DemoPorts(RunningDemo.freeBasePort()),
                new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())))) {
            DemoServer taxBoard = network.consumer();
            String admin = taxBoard.adminUrl().toString();
            CliRunner operator = new CliRunner(Map.of(ServerCommand.KEY_ENV, taxBoard.apiKey()));
            CliRunner registry = new CliRunner(Map.of(RegistryOperatorCommands.KEY_ENV, network.registryApiKey()));
            assertEquals(200, query(taxBoard).statusCode());
            assertEquals("DEMO/GOV/1002", status(taxBoard).path("owner").asText());

            CliRunner.Run same = operator.run("server", "change-owner", "DEMO/GOV/1002", "--admin", admin);
            assertEquals(1, same.exitCode(), same.out() + same.err());
            assertTrue(same.err().contains("DEMO/GOV/1002 already owns this server"), same.err());
            CliRunner.Run noClient = operator.run("server", "change-owner", "DEMO/GOV/1001", "--admin", admin);
            assertEquals(1, noClient.exitCode(), noClient.out() + noClient.err());
            assertTrue(noClient.err().contains("new owner DEMO/GOV/1001 is not a registered client of this server"),
                    noClient.err());

            long ownerChange = filed(operator.run("server", "change-owner", BANK, "--admin", admin), "ownerChange",
                    "pending");
            assertEquals(200, query(taxBoard).statusCode());
            CliRunner.Run approved = registry.run("registry", "requests", "approve", String.valueOf(ownerChange),
                    "--registry", network.registryUrl().toString());
            assertEquals(0, approved.exitCode(), approved.out() + approved.err());

            // The server's next request about itself: the registrar fetches the configuration that
            // names the bank as owner and signs with the bank's key; the registry accepts it.
            long disable = filed(operator.run("server", "client", "disable", LOANS, "--admin", admin), "clientDisable",
                    "approved");
            JsonNode proof = registryApi(network, "/api/v1/management-requests/" + disable + "/proof");
            assertEquals("urn:xroad:member:" + BANK, proof.path(0).path("identity").asText(), proof.toString());
            filed(operator.run("server", "client", "enable", LOANS, "--admin", admin), "clientEnable", "approved");
            JsonNode server = registryApi(network, "/api/v1/security-servers/" + taxBoard.id().format());
            assertEquals(BANK, server.path("owner").asText(), server.toString());
            assertEquals(taxBoard.id().format(), server.path("id").asText(), server.toString());

            // The message path takes the configuration in on its next refresh; exchanges keep flowing.
            Instant deadline = Instant.now().plus(IN_FORCE_WITHIN);
            while (!status(taxBoard).path("owner").asText().equals(BANK) && Instant.now().isBefore(deadline)) {
                assertEquals(200, query(taxBoard).statusCode());
                Thread.sleep(500);
            }
            assertEquals(BANK, status(taxBoard).path("owner").asText());
            HttpResponse<String> after = query(taxBoard);
            assertEquals(200, after.statusCode(), after.body());
            assertTrue(after.body().contains("EE38001010001"), after.body());
        }
    }

    /** The request id of a filed request, after checking its type and status. */
    private static long filed(CliRunner.Run run, String type, String status) {
        assertEquals(0, run.exitCode(), run.out() + run.err());
        Matcher m = FILED.matcher(run.out());
        assertTrue(m.matches(), run.out());
        assertEquals(type, m.group(1), run.out());
        assertEquals(status, m.group(3), run.out());
        return Long.parseLong(m.group(2));
    }

    private JsonNode status(DemoServer server) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.adminUrl() + "/api/v1/status"))
                .header("Authorization", "Bearer " + server.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return ProtocolJson.mapper().readTree(answer.body());
    }

    private JsonNode registryApi(DemoNetwork network, String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(network.registryUrl() + path))
                .header("Authorization", "Bearer " + network.registryApiKey()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return ProtocolJson.mapper().readTree(answer.body());
    }

    private HttpResponse<String> query(DemoServer consumer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(consumer.clientProxyUrl()
                        + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                .header("X-Road-Client", TAX).header("X-Road-Purpose", "tax-assessment").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
