package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.http.Reservation;

class RequestDigestTest {

    private static final String TARGET = "/r1/DEMO/GOV/1001/population/person/EE1?x=1";

    private static IncomingRequest request(byte[] body) {
        return new IncomingRequest("POST", TARGET, List.of(Map.entry("X-Road-Client", "DEMO/GOV/1002/tax"),
                Map.entry("X-Road-Id", "q1"), Map.entry("X-Road-Purpose", "tax-assessment"),
                Map.entry("X-Road-Subject", "EE1"), Map.entry("Content-Type", "application/json")), body, true, null,
                Reservation.NONE);
    }

    private static RequestDigest of(IncomingRequest request, long iat) throws ExchangeException {
        return RequestDigest.of(request, RestPath.parse(request.target()), ProtocolHeaders.parse(request),
                HeaderFilter.endToEnd(request.headers()), iat);
    }

    @Test
    void of_namesEveryFieldFromTheRequest() throws ExchangeException {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        RequestDigest expected = RequestDigest.builder().id("q1").client(SubsystemId.parse("DEMO/GOV/1002/tax"))
                .service(ServiceId.parse("DEMO/GOV/1001/population/person")).method("POST").path("/EE1").query("x=1")
                .headersSha256(MessageHashes.headers(List.of(Map.entry("Content-Type", "application/json"))))
                .bodySha256(MessageHashes.sha256(body)).purpose("tax-assessment").subjects(List.of("EE1")).iat(7).build();

        assertEquals(expected, of(request(body), 7));
    }

    @Test
    void wireForm_isUnchanged() throws ExchangeException, JsonProcessingException {
        String json = new String(ProtocolJson.mapper().writeValueAsBytes(of(request(new byte[0]), 7)),
                StandardCharsets.UTF_8);

        assertEquals("{\"v\":1,\"id\":\"q1\",\"client\":\"DEMO/GOV/1002/tax\",\"service\":\"DEMO/GOV/1001/population/person\","
                + "\"method\":\"POST\",\"path\":\"/EE1\",\"query\":\"x=1\","
                + "\"headersSha256\":\"" + MessageHashes.headers(List.of(Map.entry("Content-Type", "application/json")))
                + "\",\"bodySha256\":\"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU\",\"userId\":null,\"issue\":null,"
                + "\"purpose\":\"tax-assessment\",\"subjects\":[\"EE1\"],\"iat\":7}", json);
    }

    @Test
    void alteredBody_isTheFirstDifference() throws ExchangeException {
        RequestDigest signed = of(request("{}".getBytes(StandardCharsets.UTF_8)), 7);

        assertEquals(Optional.of("body"), of(request("{\"x\":1}".getBytes(StandardCharsets.UTF_8)), 9)
                .firstDifference(signed));
        assertEquals(Optional.empty(), of(request("{}".getBytes(StandardCharsets.UTF_8)), 9).firstDifference(signed),
                "iat is not compared");
    }
}
