package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.http.Reservation;

class ProtocolHeadersTest {

    @SafeVarargs
    private static ProtocolHeaders parse(Map.Entry<String, String>... headers) throws ExchangeException {
        return ProtocolHeaders.parse(new IncomingRequest("GET", "/r1/x", List.of(headers), new byte[0], true, null,
                Reservation.NONE));
    }

    @Test
    void everyHeader_isReadWhateverTheCaseOfItsName() throws ExchangeException {
        ProtocolHeaders headers = parse(Map.entry("x-road-client", " DEMO/GOV/1002/tax "), Map.entry("X-ROAD-ID", "q1"),
                Map.entry("X-Road-UserId", "EE1"), Map.entry("X-Road-Issue", "case-9"),
                Map.entry("X-Road-Purpose", "tax-assessment"), Map.entry("X-Road-Subject", "EE2, EE3"),
                Map.entry("X-Road-Security-Server", "DEMO/GOV/1001/ss1"), Map.entry("X-Road-Other", "ignored"));

        assertEquals(new ProtocolHeaders(SubsystemId.parse("DEMO/GOV/1002/tax"), "q1", "EE1", "case-9",
                "tax-assessment", List.of("EE2", "EE3"), Optional.of(SecurityServerId.parse("DEMO/GOV/1001/ss1"))),
                headers);
    }

    @Test
    void headerGivenTwice_isRefusedNamingHowOften_beforeAnythingElse() {
        ExchangeException e = assertThrows(ExchangeException.class, () -> parse(Map.entry("X-Road-Client", "bad"),
                Map.entry("X-Road-Purpose", "a"), Map.entry("x-road-purpose", "b"), Map.entry("X-Road-Purpose", "c")));

        assertEquals(ErrorType.CLIENT_INVALID_HEADER, e.type());
        assertEquals("X-Road-Purpose is given 3 times; expected at most once", e.getMessage());
    }

    @Test
    void missingOptionalHeaders_areNull_andTheIdIsGenerated() throws ExchangeException {
        ProtocolHeaders headers = parse(Map.entry("X-Road-Client", "DEMO/GOV/1002/tax"), Map.entry("X-Road-UserId", " "));

        assertNull(headers.userId(), "blank counts as not given");
        assertNull(headers.purpose());
        assertTrue(headers.id().matches("[0-9a-f-]{36}"), headers.id());
        assertEquals(Optional.empty(), headers.securityServer());
    }

    @Test
    void missingClient_isRefusedAsInvalidClientIdentifier() {
        ExchangeException e = assertThrows(ExchangeException.class, () -> parse(Map.entry("X-Road-Id", "q1")));
        assertEquals(ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER, e.type());
    }
}
