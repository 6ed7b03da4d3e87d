package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The owner's management requests on the running demo, filed with the CLI as an operator would:
 * the tax board's server disables its client, and the population registry's server refuses the
 * client's queries from its next global configuration on, saying it is disabled; enabled again,
 * the queries pass; unregistered, they are refused for good. A malformed address change is refused
 * before anything is signed or filed.
 */
class ManagementRequestsDemoTest {

    private static final String TAX = "DEMO/GOV/1002/tax";
    /**
     * How often the servers fetch the global configuration here: each request is in force on a
     * server from its next fetch on, and the test waits for that four times (at the demo's 10 s,
     * some 20 s of waiting in all).
     */
    private static final int REFRESH_SECONDS = 2;
    /** Far more than a fetch takes; allow for a loaded machine. */
    private static final Duration IN_FORCE_WITHIN = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void clientDisableEnableAndUnregister_areEnforcedByTheProvider()
            throws DemoException, IOException, InterruptedException, ConfigException {
        try (DemoNetwork network = DemoNetworks.refreshingEvery(dir.resolve("demo"), REFRESH_SECONDS)) {
            DemoServer taxBoard = network.consumer();
            CliRunner operator = new CliRunner(Map.of(ServerCommand.KEY_ENV, taxBoard.apiKey()));
            assertEquals(200, query(taxBoard).statusCode());

            assertFiled(operator.run("server", "client", "disable", TAX, "--admin", taxBoard.adminUrl().toString()),
                    "clientDisable", "approved");
            HttpResponse<String> refused = awaitAnswer(taxBoard, r -> r.statusCode() != 200);
            JsonNode problem = ProtocolJson.mapper().readTree(refused.body());
            assertEquals("Server.ServerProxy.UnknownMember", problem.path("type").asText(), refused.body());
            assertTrue(problem.path("message").asText().contains("client " + TAX + " is disabled on security server"
                    + " DEMO/GOV/1002/ss1"), refused.body());

            assertFiled(operator.run("server", "client", "enable", TAX, "--admin", taxBoard.adminUrl().toString()),
                    "clientEnable", "approved");
            awaitAnswer(taxBoard, r -> r.statusCode() == 200);

            assertFiled(operator.run("server", "client", "unregister", TAX, "--admin", taxBoard.adminUrl().toString()),
                    "clientDeletion", "approved");
            HttpResponse<String> unregistered = awaitAnswer(taxBoard, r -> r.statusCode() != 200);
            assertTrue(unregistered.body().contains("is not registered as a host of client " + TAX), unregistered.body());
            // The refusal came from the provider's server; the tax board's own server marks the client
            // unregistered once it has the same configuration (its next refresh), so wait for that too.
            Instant deadline = Instant.now().plus(IN_FORCE_WITHIN);
            CliRunner.Run clients = operator.run("server", "client", "list", "--json", "--admin",
                    taxBoard.adminUrl().toString());
            while (!unregistered(clients) && Instant.now().isBefore(deadline)) {
                Thread.sleep(500);
                clients = operator.run("server", "client", "list", "--json", "--admin", taxBoard.adminUrl().toString());
            }
            assertTrue(unregistered(clients), clients.out());

            CliRunner.Run move = operator.run("server", "change-address", "ss1.example.org", "--admin",
                    taxBoard.adminUrl().toString());
            assertEquals(1, move.exitCode(), move.out() + move.err());
            assertTrue(move.err().contains("address 'ss1.example.org' is not host:port"), move.err());
            CliRunner.Run pending = new CliRunner(Map.of(RegistryOperatorCommands.KEY_ENV, network.registryApiKey()))
                    .run("registry", "requests", "list", "--status", "pending", "--registry",
                            network.registryUrl().toString());
            assertEquals(0, pending.exitCode(), pending.out() + pending.err());
            assertFalse(pending.out().contains("addressChange"), pending.out());
        }
    }

    private static boolean unregistered(CliRunner.Run clients) {
        return clients.out().contains("\"registered\" : false") || clients.out().contains("\"registered\":false");
    }

    private static void assertFiled(CliRunner.Run run, String type, String status) {
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().matches("(?s)" + type + " request \\d+ filed: " + status + "\\R?"), run.out());
    }

    /** Queries until an answer matches, for as long as a global configuration takes to reach both servers. */
    private HttpResponse<String> awaitAnswer(DemoServer consumer, Predicate<HttpResponse<String>> wanted)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(IN_FORCE_WITHIN);
        HttpResponse<String> answer = query(consumer);
        while (!wanted.test(answer) && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            answer = query(consumer);
        }
        assertTrue(wanted.test(answer), "within " + IN_FORCE_WITHIN + " the answer was still " + answer.statusCode()
                + " " + answer.body());
        return answer;
    }

    private HttpResponse<String> query(DemoServer consumer) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(consumer.clientProxyUrl()
                        + "/r1/DEMO/GOV/1001/population/person/EE38001010001"))
                .header("X-Road-Client", TAX).header("X-Road-Purpose", "tax-assessment").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
