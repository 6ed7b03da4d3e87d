package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.Progress;

/**
 * {@code xroad server service description add|refresh|list|delete} as an operator runs them
 * against the demo's population registry server, and what an X-Road client then gets from
 * {@code getOpenAPI} and {@code listMethods}.
 */
class ServiceDescriptionCliTest {

    private static final String PERSON = "DEMO/GOV/1001/population/person";
    private static final String ONE_ENDPOINT = """
            openapi: 3.0.3
            info: {title: person, version: '1'}
            paths:
              /{code}:
                parameters: [{name: code, in: path, required: true, schema: {type: string}}]
                get:
                  responses: {'200': {description: the person}}
            """;
    private static final String TWO_ENDPOINTS = ONE_ENDPOINT + """
              /{code}/address:
                parameters: [{name: code, in: path, required: true, schema: {type: string}}]
                get:
                  responses: {'200': {description: the address}}
            """;

    @TempDir
    Path dir;

    @Test
    void operatorUploadsRefreshesListsAndDeletes_andClientsSeeTheDescription()
            throws DemoException, IOException, InterruptedException {
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        try (DemoNetwork network = DemoNetwork.start(dir.resolve("demo"), ports, new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())))) {
            CliRunner xroad = new CliRunner(Map.of(ServerCommand.URL_ENV, network.provider().adminUrl().toString(),
                    ServerCommand.KEY_ENV, network.provider().apiKey()));
            Path first = Files.writeString(dir.resolve("person-1.yaml"), ONE_ENDPOINT);
            Path second = Files.writeString(dir.resolve("person-2.yaml"), TWO_ENDPOINTS);

            CliRunner.Run listed = xroad.run("server", "service", "description", "list");
            assertEquals(0, listed.exitCode(), listed.err());
            assertTrue(listed.out().contains(PERSON), "the demo's own description, read from its IS: " + listed.out());

            CliRunner.Run deleted = xroad.run("server", "service", "description", "delete", PERSON);
            assertEquals(0, deleted.exitCode(), deleted.err());
            CliRunner.Run added = xroad.run("server", "service", "description", "add", PERSON, "--file", first.toString());
            assertEquals(0, added.exitCode(), added.err());
            assertTrue(added.out().contains("description of " + PERSON + " added") && added.out().contains("GET /*"),
                    added.out());

            CliRunner.Run refreshed = xroad.run("server", "service", "description", "refresh", PERSON, "--file",
                    second.toString());
            assertEquals(0, refreshed.exitCode(), refreshed.err());
            assertTrue(refreshed.out().contains("added:   GET /*/address"), refreshed.out());
            assertTrue(refreshed.out().contains("removed: (none)"), refreshed.out());

            Path bad = Files.writeString(dir.resolve("bad.yaml"), "openapi: 3.0.3\npaths: [not, a, map]\n");
            CliRunner.Run refused = xroad.run("server", "service", "description", "refresh", PERSON, "--file",
                    bad.toString());
            assertEquals(1, refused.exitCode(), refused.out());
            assertTrue(refused.err().contains("not a valid OpenAPI 3 document") && refused.err().contains("paths"),
                    "names what is wrong: " + refused.err());
            assertFalse(refused.err().isBlank() || refused.err().contains("Exception"), "a message, no stack trace: "
                    + refused.err());

            // What an X-Road client sees: the second upload, byte for byte, and its two endpoints.
            HttpClient http = HttpClient.newHttpClient();
            URI consumer = network.consumer().clientProxyUrl();
            HttpResponse<String> openApi = http.send(HttpRequest.newBuilder(URI.create(consumer
                            + "/r1/DEMO/GOV/1001/population/getOpenAPI?serviceCode=person"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, openApi.statusCode(), openApi.body());
            assertEquals(TWO_ENDPOINTS, openApi.body(), "the refused refresh kept the description before it");
            HttpResponse<String> methods = http.send(HttpRequest.newBuilder(URI.create(consumer
                            + "/r1/DEMO/GOV/1001/population/listMethods"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(methods.body().contains("\"path\":\"/*/address\""), methods.body());

            assertEquals(0, xroad.run("server", "service", "description", "delete", PERSON).exitCode());
            assertFalse(xroad.run("server", "service", "description", "list").out().contains(PERSON));
        }
    }
}
