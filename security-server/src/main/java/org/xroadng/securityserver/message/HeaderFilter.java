package org.xroadng.securityserver.message;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.XRoadHeaders;

/**
 * Which headers travel end to end (DESIGN.md section 6; X-Road Message Protocol for REST, section
 * 4.3). Two kinds stay behind:
 * <ul>
 *   <li>transport headers ({@link #withoutTransport}): hop-by-hop headers (RFC 9110 section 7.6.1,
 *       and any the {@code Connection} header names), {@code Host}, {@code User-Agent},
 *       {@code Server}, framing ({@code Content-Length}), {@code Expect} and {@code HTTP2-Settings};</li>
 *   <li>the protocol's own headers ({@link #PROTOCOL}): the servers read, check and set them
 *       themselves, so a value an information system gives is never passed on as it is.</li>
 * </ul>
 * Every other header passes unchanged and is covered by the signature, including {@code X-Road-*}
 * extension headers this protocol does not define: the REST protocol treats them as user headers.
 */
public final class HeaderFilter {

    private static final Set<String> TRANSPORT = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "user-agent", "server", "content-length", "expect", "http2-settings");

    /** The headers the servers own, lower-case; none of them passes between an IS and a server unchecked. */
    public static final Set<String> PROTOCOL = lowerCase(XRoadHeaders.CLIENT, XRoadHeaders.SERVICE, XRoadHeaders.ID,
            XRoadHeaders.USER_ID, XRoadHeaders.ISSUE, XRoadHeaders.SECURITY_SERVER, XRoadHeaders.REQUEST_ID,
            XRoadHeaders.REQUEST_HASH, XRoadHeaders.ERROR, XRoadHeaders.SIGNATURE, XRoadHeaders.PURPOSE,
            XRoadHeaders.SUBJECT, XRoadHeaders.DATA_SUBJECT);

    private HeaderFilter() {
    }

    /** The end-to-end headers among {@code headers}, in order: neither transport nor protocol headers. */
    public static List<Map.Entry<String, String>> endToEnd(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : withoutTransport(headers)) {
            if (!PROTOCOL.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** {@code headers} without the transport headers, in order; protocol headers are kept. */
    public static List<Map.Entry<String, String>> withoutTransport(List<Map.Entry<String, String>> headers) {
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
            if (!TRANSPORT.contains(name) && (named == null || !named.contains(name))) {
                kept.add(header);
            }
        }
        return kept;
    }

    private static Set<String> lowerCase(String... names) {
        Set<String> set = new HashSet<>();
        for (String name : names) {
            set.add(name.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(set);
    }
}
