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
import org.xroadng.certs.ApiEdgeSweep;
import org.xroadng.protocol.jws.SigningException;

/**
 * Every route of a running registry (operator API, management requests, global configuration,
 * witness) answers bad content types, duplicate keys, malformed JSON and bad percent-escapes with a
 * 4xx JSON error that names no Java class.
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

    private InetSocketAddress address() {
        return new InetSocketAddress(registry.base.getHost(), registry.base.getPort());
    }

    @Test
    void everyRouteWithAdminKey_answersBadInputWithJson4xx() {
        ApiEdgeSweep sweep = new ApiEdgeSweep(address(), Map.of("Authorization", "Bearer " + registry.adminKey))
                .sweep(registry.server.routes());

        assertEquals(List.of(), sweep.findings());
        // Not vacuous: every operator API route with a JSON body was reached and read it.
        assertTrue(sweep.jsonRoutes().size() >= 14, sweep.jsonRoutes().toString());
        assertTrue(sweep.jsonRoutes().contains("PUT /api/v1/settings"), sweep.jsonRoutes().toString());
    }

    @Test
    void everyRouteWithoutKey_answersBadInputWithJson4xx() {
        ApiEdgeSweep sweep = new ApiEdgeSweep(address(), Map.of()).sweep(registry.server.routes());

        assertEquals(List.of(), sweep.findings());
    }

    @Test
    void managementRequestAsJson_is415NamingApplicationJose() {
        RegistryFixture.Answer answer = registry.call("POST", "/management/requests", null, "eyJhbGciOi.x.y");

        assertEquals(415, answer.status(), answer.raw().body());
        assertTrue(answer.message().contains("expected application/jose"), answer.message());
    }
}
