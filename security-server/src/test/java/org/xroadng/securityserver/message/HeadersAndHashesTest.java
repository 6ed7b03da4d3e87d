package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
