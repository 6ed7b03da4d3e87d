package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.protocol.error.ErrorBody;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpReply;

/** The HTTP source against a stand-in client proxy: the request it sends, and how it reads answers. */
class PortalHttpAccessLogSourceTest {

    private final PortalScenario scenario = PortalScenario.standard();
    private final AtomicReference<HttpCall> seen = new AtomicReference<>();
    private final AtomicReference<HttpReply> reply = new AtomicReference<>();
    private HttpApiServer clientProxy;
    private HttpAccessLogSource source;

    @BeforeEach
    void start() throws IOException {
        clientProxy = HttpApiServer.builder("client-proxy")
                .route("GET", "/r1/{rest...}", call -> {
                    seen.set(call);
                    return reply.get();
                })
                .start();
        source = new HttpAccessLogSource(clientProxy.baseUri(), PortalScenario.TAX, HttpClient.newHttpClient(),
                Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        clientProxy.close();
    }

    @Test
    void fetch_callsTheTargetsAccessLogServiceThroughTheNamedServer() throws AccessLogSourceException {
        AccessLogAnswer answer = scenario.provider.answer(PortalScenario.CITIZEN);
        reply.set(HttpReply.of(200, "application/json", AccessLogAnswerCodec.write(answer)));

        AccessLogAnswer fetched = source.fetch(PortalScenario.SS2, PortalScenario.POPULATION,
                new PersonalCode(PortalScenario.CITIZEN));

        HttpCall call = seen.get();
        assertEquals("/r1/DEMO/GOV/1001/population/accessLog", call.path());
        assertEquals(PortalScenario.CITIZEN, call.query().get("subject").get(0));
        assertEquals("DEMO/GOV/1002/tax", call.header("X-Road-Client").orElseThrow());
        assertEquals("DEMO/GOV/1001/ss2", call.header("X-Road-Security-Server").orElseThrow());
        assertEquals(answer.events().size(), fetched.events().size());
        assertEquals(answer.checkpoint(), fetched.checkpoint());
    }

    @Test
    void errorAnswer_becomesAnExceptionWithTheServersMessage() {
        reply.set(HttpReply.json(500, new ErrorBody("Server.ClientProxy.NetworkError", "ss2 cannot be reached", null)));

        AccessLogSourceException e = assertThrows(AccessLogSourceException.class, () -> source.fetch(PortalScenario.SS2,
                PortalScenario.POPULATION, new PersonalCode(PortalScenario.CITIZEN)));

        assertTrue(e.getMessage().contains("HTTP 500: Server.ClientProxy.NetworkError: ss2 cannot be reached"),
                e.getMessage());
    }

    @Test
    void answerInAnotherForm_isRefused() {
        reply.set(HttpReply.json(200, java.util.Map.of("hello", "world")));

        AccessLogSourceException e = assertThrows(AccessLogSourceException.class, () -> source.fetch(PortalScenario.SS2,
                PortalScenario.POPULATION, new PersonalCode(PortalScenario.CITIZEN)));

        assertTrue(e.getMessage().contains("unexpected form"), e.getMessage());
    }
}
