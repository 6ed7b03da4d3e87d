package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.securityserver.ExchangeException;

class RestPathTest {

    @Test
    void serviceWithPathAndQuery_isSplitAndKeptRaw() throws ExchangeException {
        RestPath path = RestPath.parse("/r1/DEMO/GOV/1001/population/person/EE%2D1/x?fields=a%20b&y=1");
        assertEquals(ServiceId.parse("DEMO/GOV/1001/population/person"), path.service());
        assertEquals("/EE%2D1/x", path.rawPath());
        assertEquals("/EE-1/x", path.path());
        assertEquals("fields=a%20b&y=1", path.rawQuery());
        assertEquals("/EE%2D1/x?fields=a%20b&y=1", path.rawPathAndQuery());
    }

    @Test
    void serviceWithoutPath_hasRootPath() throws ExchangeException {
        RestPath path = RestPath.parse("/r1/DEMO/GOV/1001/population/person");
        assertEquals("/", path.path());
        assertEquals("", path.rawPathAndQuery());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/r1/DEMO/GOV/1001/population/person/..", "/r1/DEMO/GOV/1001/population/person/%2E%2E/x",
            "/r1/DEMO/GOV/1001/population/person/..%2Fadmin", "/r1/DEMO/GOV/1001/population/person/a%5Cb",
            "/r1/DEMO/GOV/1001/population/person/a%00b", "/r1/DEMO/GOV/1001/population/person//x",
            "/r1/DEMO/GOV/1001/population/person/x;v=1", "/r1/DEMO/GOV/1001/population/person/%zz",
            "/r1/DEMO/GOV/1001/population/person/x#frag", "/r1/DEMO/GOV/1001/population/person/x?q=%G1",
            "/r2/DEMO/GOV/1001/population/person", "/r1/DEMO/GOV/1001/population/person/caf\u00e9"})
    void traversalAndAmbiguity_areRefusedAsInvalidUri(String target) {
        ExchangeException e = assertThrows(ExchangeException.class, () -> RestPath.parse(target));
        assertEquals(ErrorType.CLIENT_INVALID_URI, e.type(), e.getMessage());
    }

    @Test
    void malformedServiceIdentifier_isRefusedAsSuch() {
        assertEquals(ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER,
                assertThrows(ExchangeException.class, () -> RestPath.parse("/r1/DEMO/GOV/1001/population")).type());
        assertEquals(ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER,
                assertThrows(ExchangeException.class, () -> RestPath.parse("/r1/DEMO/GOV/1001/pop%20ulation/person")).type());
    }

    @Test
    void overlongTarget_isRefused() {
        String target = "/r1/DEMO/GOV/1001/population/person/" + "a".repeat(RestPath.MAX_LENGTH);
        assertEquals(ErrorType.CLIENT_INVALID_URI, assertThrows(ExchangeException.class, () -> RestPath.parse(target)).type());
    }
}
