package org.xroadng.protocol.id;

import com.fasterxml.jackson.core.JsonProcessingException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xroadng.protocol.json.ProtocolJson;

class IdentifiersTest {

    @Test
    void everyType_roundTripsThroughParseAndFormat() {
        assertEquals("DEMO/GOV/1001", MemberId.parse("DEMO/GOV/1001").format());
        assertEquals("DEMO/GOV/1001/population", SubsystemId.parse("DEMO/GOV/1001/population").format());
        assertEquals("DEMO/GOV/1001/population/person", ServiceId.parse("DEMO/GOV/1001/population/person").format());
        assertEquals("DEMO/GOV/1001/ss1", SecurityServerId.parse("DEMO/GOV/1001/ss1").format());
        assertEquals("DEMO/citizen-portals", GlobalGroupId.parse("DEMO/citizen-portals").format());
    }

    @Test
    void parts_areReachableAndEqualityIsByValue() {
        ServiceId service = ServiceId.parse("DEMO/GOV/1001/population/person");
        assertEquals("person", service.serviceCode());
        assertEquals(SubsystemId.parse("DEMO/GOV/1001/population"), service.subsystem());
        assertEquals(MemberId.parse("DEMO/GOV/1001"), service.subsystem().member());
        assertEquals("DEMO", service.instance());
        assertEquals(service, MemberId.parse("DEMO/GOV/1001").subsystem("population").service("person"));
    }

    @Test
    void allowedPunctuation_isAccepted() {
        assertEquals("a'()+,-.=?", MemberId.parse("DEMO/GOV/a'()+,-.=?").memberCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEMO/GOV", "DEMO/GOV/1001/x", "", "DEMO//1001", "DEMO/GOV/10 01", "DEMO/GOV/1001%2F",
            "DEMO/GOV/..\\x", "DEMO/GÖV/1001", "DEMO/GOV/1001\n"})
    void malformedMember_isRefused(String text) {
        assertThrows(InvalidIdentifierException.class, () -> MemberId.parse(text));
    }

    @Test
    void refusal_namesThePartTheCharacterAndWhatIsAllowed() {
        InvalidIdentifierException e = assertThrows(InvalidIdentifierException.class,
                () -> SubsystemId.parse("DEMO/GOV/1001/pop ulation"));
        assertEquals("subsystem code 'pop ulation' contains the character U+0020 at position 4;"
                + " only A-Z a-z 0-9 ' ( ) + , - . = ? are allowed", e.getMessage());
        InvalidIdentifierException parts = assertThrows(InvalidIdentifierException.class,
                () -> ServiceId.parse("DEMO/GOV/1001/population"));
        assertTrue(parts.getMessage().contains("has 4 parts; expected INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE"),
                parts.getMessage());
    }

    @Test
    void partLongerThan255_isRefused() {
        String code = "x".repeat(256);
        InvalidIdentifierException e = assertThrows(InvalidIdentifierException.class,
                () -> new MemberId("DEMO", "GOV", code));
        assertTrue(e.getMessage().contains("at most 255"), e.getMessage());
        assertEquals(255, new MemberId("DEMO", "GOV", "x".repeat(255)).memberCode().length());
    }

    record Holder(SubsystemId client, ServiceId service) {
    }

    @Test
    void json_writesCanonicalStringsAndValidatesOnRead() throws JsonProcessingException {
        Holder holder = new Holder(SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"));
        String json = ProtocolJson.mapper().writeValueAsString(holder);
        assertEquals("{\"client\":\"DEMO/GOV/1002/tax\",\"service\":\"DEMO/GOV/1001/population/person\"}", json);
        assertEquals(holder, ProtocolJson.mapper().readValue(json, Holder.class));

        JsonMappingException e = assertThrows(JsonMappingException.class, () -> ProtocolJson.mapper().readValue(
                ProtocolJson.mapper().writeValueAsString(Map.of("client", "DEMO/GOV/1002", "service",
                        "DEMO/GOV/1001/population/person")), Holder.class));
        assertTrue(e.getMessage().contains("expected INSTANCE/CLASS/MEMBER/SUBSYSTEM"), e.getMessage());
    }
}
