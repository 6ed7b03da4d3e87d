package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xroadng.securityserver.ExchangeException;

class HeadersAndHashesTest {

    @Test
    void endToEnd_dropsHopByHopConnectionNamedHostAgentServerLengthAndProtocolHeaders() {
        List<Map.Entry<String, String>> headers = List.of(Map.entry("Connection", "keep-alive, X-Secret"),
                Map.entry("X-Secret", "1"), Map.entry("Keep-Alive", "timeout=5"), Map.entry("Transfer-Encoding", "chunked"),
                Map.entry("Host", "h"), Map.entry("User-Agent", "u"), Map.entry("Server", "s"), Map.entry("Content-Length", "3"),
                Map.entry("X-Road-Client", "DEMO/GOV/1/x"), Map.entry("Accept", "application/json"),
                Map.entry("Content-Type", "text/plain"));
        assertEquals(List.of(Map.entry("Accept", "application/json"), Map.entry("Content-Type", "text/plain")),
                HeaderFilter.endToEnd(headers));
    }

    @Test
    void headerHash_ignoresNameCaseAndOrderAcrossNamesButNotWithinAName() {
        String a = MessageHashes.headers(List.of(Map.entry("Accept", "x"), Map.entry("X-A", "1"), Map.entry("X-A", "2")));
        String b = MessageHashes.headers(List.of(Map.entry("x-a", "1"), Map.entry("accept", "x"), Map.entry("x-a", "2")));
        String c = MessageHashes.headers(List.of(Map.entry("X-A", "2"), Map.entry("X-A", "1"), Map.entry("Accept", "x")));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertNotEquals(a, MessageHashes.headers(List.of(Map.entry("Accept", "y"), Map.entry("X-A", "1"), Map.entry("X-A", "2"))));
    }

    @Test
    void sha256_isBase64UrlOfTheDigest() {
        assertEquals("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", MessageHashes.sha256("abc"));
    }

    @Test
    void subjectHeader_trimsPartsAndDropsRepeats() throws ExchangeException {
        assertEquals(List.of("EE1", "EE2"), ProtocolHeaders.subjects(" EE1, EE2 ,EE1", "X-Road-Subject"));
        assertEquals(List.of(), ProtocolHeaders.subjects("  ", "X-Road-Subject"));
    }

    @Test
    void signedSubjectList_eachCodeAsGivenOrRefused() throws ExchangeException {
        assertEquals(List.of("EE1", "EE2"), ProtocolHeaders.subjects(List.of("EE1", "EE2", "EE1"), "dataSubjects"));
        for (List<String> bad : List.of(List.of("EE1,EE2"), List.of(" EE1"), List.of(""), Arrays.asList("EE1", null),
                List.of("E".repeat(65)))) {
            ExchangeException e = assertThrows(ExchangeException.class,
                    () -> ProtocolHeaders.subjects(bad, "dataSubjects"), bad.toString());
            assertTrue(e.getMessage().startsWith("dataSubjects contains '"), e.getMessage());
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add("EE" + i);
        }
        assertThrows(ExchangeException.class, () -> ProtocolHeaders.subjects(many, "dataSubjects"));
    }
}
