package org.xroadng.securityserver.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which headers travel end to end (DESIGN.md section 6): hop-by-hop headers (RFC 9110 section
 * 7.6.1, and any the {@code Connection} header names), {@code Host}, {@code User-Agent},
 * {@code Server}, framing ({@code Content-Length}) and the protocol's own {@code X-Road-*} headers
 * stay behind; every other header passes unchanged and is covered by the signature.
 */
public final class HeaderFilter {

    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "user-agent", "server", "content-length", "expect", "http2-settings");

    private HeaderFilter() {
    }

    /** The end-to-end headers among {@code headers}, in order. */
    public static List<Map.Entry<String, String>> endToEnd(List<Map.Entry<String, String>> headers) {
        Set<String> named = null;
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase("connection")) {
                if (named == null) {
                    named = new HashSet<>();
                }
                for (String token : header.getValue().split(",")) {
                    named.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!DROPPED.contains(name) && (named == null || !named.contains(name)) && !name.startsWith("x-road-")) {
                kept.add(header);
            }
        }
        return kept;
    }
}
