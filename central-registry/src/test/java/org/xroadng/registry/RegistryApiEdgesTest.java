package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.security.SecureRandom;
import org.xroadng.certs.ApiEdgeSweep;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.registry.console.RegistryConsole;
import org.xroadng.protocol.jws.SigningException;

/**
 * Every route of a running registry (operator API, management requests, global configuration,
 * witness) answers bad content types, duplicate keys, malformed JSON and bad percent-escapes with a
 * 4xx JSON error that names no Java class. The console's routes answer pages, not JSON: they are
 * swept apart, and must never answer a client's mistake with a 5xx or a Java class name.
 */
class RegistryApiEdgesTest {

    @TempDir
    Path dir;

    private RegistryFixture registry;

    @BeforeEach
    void start() throws IOException, RegistryException, SigningException {
        registry = new RegistryFixture(dir, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** The routes of the operator API and the other JSON endpoints: every route but the console's. */
    private List<String> apiRoutes() throws IOException {
        List<String> console = consoleRoutes();
        return registry.server.routes().stream().filter(r -> !console.contains(r)).toList();
    }

    private List<String> consoleRoutes() throws IOException {
        try (HttpApiServer alone = new RegistryConsole(registry.home.registry(), false, new SecureRandom(),
                Clock.systemUTC()).addTo(HttpApiServer.builder("console-routes")).start()) {
            return alone.routes();
        }
    }

    private InetSocketAddress address() {
        return new InetSocketAddress(registry.base.getHost(), registry.base.getPort());
    }

    @Test
    void everyRouteWithAdminKey_answersBadInputWithJson4xx() throws IOException {
        ApiEdgeSweep sweep = new ApiEdgeSweep(address(), Map.of("Authorization", "Bearer " + registry.adminKey))
                .sweep(apiRoutes());

        assertEquals(List.of(), sweep.findings());
        // Not vacuous: every operator API route with a JSON body was reached and read it.
        assertTrue(sweep.jsonRoutes().size() >= 14, sweep.jsonRoutes().toString());
        assertTrue(sweep.jsonRoutes().contains("PUT /api/v1/settings"), sweep.jsonRoutes().toString());
    }

    @Test
    void everyRouteWithoutKey_answersBadInputWithJson4xx() throws IOException {
        ApiEdgeSweep sweep = new ApiEdgeSweep(address(), Map.of()).sweep(apiRoutes());

        assertEquals(List.of(), sweep.findings());
    }

    @Test
    void consoleRoutes_neverAnswerAClientsMistakeWithA5xxOrAJavaClassName() throws IOException {
        List<String> console = consoleRoutes();
        assertTrue(console.contains("POST /requests/approve") && console.contains("GET /login"), console.toString());
        List<String> findings = new ApiEdgeSweep(address(), Map.of()).sweep(console).findings();
        assertTrue(findings.size() > 0, "the sweep reached the console");
        assertEquals(List.of(), findings.stream().filter(f -> f.contains(" for a client's mistake: ")
                || f.contains("names a Java class")).toList());
    }

    @Test
    void managementRequestAsJson_is415NamingApplicationJose() {
        RegistryFixture.Answer answer = registry.call("POST", "/management/requests", null, "eyJhbGciOi.x.y");

        assertEquals(415, answer.status(), answer.raw().body());
        assertTrue(answer.message().contains("expected application/jose"), answer.message());
    }
}
