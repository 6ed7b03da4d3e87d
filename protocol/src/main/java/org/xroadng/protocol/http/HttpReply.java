package org.xroadng.protocol.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * What an endpoint answers: status, content type, body, any extra headers, and the cookies it sets
 * (each its own {@code Set-Cookie} line: RFC 6265 section 3 forbids folding them into one).
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers,
                        java.util.List<String> setCookies) {

    public static final String JSON = "application/json";

    public HttpReply {
        headers = Map.copyOf(headers);
        setCookies = java.util.List.copyOf(setCookies);
    }

    public HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
        this(status, contentType, body, headers, java.util.List.of());
    }

    /** This reply setting one more cookie ({@code value} is the whole {@code Set-Cookie} value). */
    public HttpReply withCookie(String value) {
        java.util.List<String> cookies = new java.util.ArrayList<>(setCookies);
        cookies.add(value);
        return new HttpReply(status, contentType, body, headers, cookies);
    }

    public static HttpReply of(int status, String contentType, byte[] body) {
        return new HttpReply(status, contentType, body, Map.of());
    }

    public static HttpReply text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** The value as JSON through {@link ProtocolJson}. */
    public static HttpReply json(int status, Object value) {
        try {
            return of(status, JSON, ProtocolJson.mapper().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public static HttpReply noContent() {
        return of(204, null, new byte[0]);
    }

    public HttpReply withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new HttpReply(status, contentType, body, copy, setCookies);
    }
}
