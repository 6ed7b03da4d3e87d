package org.xroadng.certs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Sends the requests an outside tester would try to every route of a running control-plane server
 * (a bad percent-escape in the path and in the query; for bodies: JSON as text/plain, JSON without
 * a Content-Type, a duplicated key, malformed JSON, trailing content) and collects what is wrong
 * with the answers: a 5xx for a client's mistake, an error that is not our JSON
 * {@code {"type", "message", "detail"}}, an error naming a Java class, or an endpoint that reads JSON
 * (it names the duplicated key) yet accepted a body not declared as JSON.
 */
public final class ApiEdgeSweep {

    private final InetSocketAddress address;
    private final Map<String, String> headers;
    private final List<String> findings = new ArrayList<>();
    private final List<String> jsonRoutes = new ArrayList<>();

    /** @param headers sent with every request (for example the API key) */
    public ApiEdgeSweep(InetSocketAddress address, Map<String, String> headers) {
        this.address = address;
        this.headers = Map.copyOf(headers);
    }

    /** What was wrong, one line per answer; empty when every answer was right. */
    public List<String> findings() {
        return List.copyOf(findings);
    }

    /** The routes found to read a JSON body (they named a duplicated key). */
    public List<String> jsonRoutes() {
        return List.copyOf(jsonRoutes);
    }

    /** Sweeps each {@code "METHOD /template"} route. */
    public ApiEdgeSweep sweep(List<String> routes) {
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String template = route.substring(route.indexOf(' ') + 1);
            String path = template.replaceAll("\\{[^}/]+\\.\\.\\.}", "DEMO/GOV/1001").replaceAll("\\{[^}/]+}", "x");
            String badPath = template.contains("{") ? template.replaceFirst("\\{[^}]+}", "a%zz")
                    : template + (template.endsWith("/") ? "" : "/") + "%zz";
            badPath = badPath.replaceAll("\\{[^}/]+\\.\\.\\.}", "DEMO/GOV/1001").replaceAll("\\{[^}/]+}", "x");
            expectMalformedEscape(route, send(method, badPath, null, ""));
            expectMalformedEscape(route, send(method, path + "?limit=%g0", null, ""));
            if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
                continue;
            }
            String json = "{\"id\":\"DEMO/GOV/1001\",\"code\":\"x\"}";
            Answer textPlain = send(method, path, "text/plain", json);
            Answer untyped = send(method, path, null, json);
            Answer duplicate = send(method, path, "application/json", "{\"id\":\"DEMO/GOV/1001\",\"id\":\"DEMO/GOV/1002\"}");
            for (Answer answer : List.of(textPlain, untyped, duplicate,
                    send(method, path, "application/json", "{\"id\":"),
                    send(method, path, "application/json", "{\"id\":\"x\"} {\"id\":\"y\"}"),
                    send(method, path, "application/json; charset=utf-8", "[1,2"))) {
                checkError(route, answer);
            }
            if (duplicate.status() == 400 && duplicate.body().contains("'id' appears more than once")) {
                jsonRoutes.add(route);
                for (Answer answer : List.of(textPlain, untyped)) {
                    if (answer.status() != 415 || !answer.body().contains("expected application/json")) {
                        findings.add(route + ": reads JSON but answered " + answer + " to " + answer.request());
                    }
                }
            }
        }
        return this;
    }

    private void expectMalformedEscape(String route, Answer answer) {
        if (answer.status() != 400 || !answer.body().contains("malformed percent-escape")) {
            findings.add(route + ": expected 400 for a malformed percent-escape, got " + answer);
        }
        checkError(route, answer);
    }

    private void checkError(String route, Answer answer) {
        if (answer.status() >= 500) {
            findings.add(route + ": " + answer.status() + " for a client's mistake: " + answer);
        }
        if (answer.status() < 400) {
            return;
        }
        if (!answer.head().toLowerCase(Locale.ROOT).contains("\r\ncontent-type: application/json")) {
            findings.add(route + ": error is not JSON: " + answer);
            return;
        }
        try {
            JsonNode json = ProtocolJson.mapper().readTree(answer.body());
            if (!json.path("type").isTextual() || !json.path("message").isTextual()) {
                findings.add(route + ": error lacks type or message: " + answer);
            }
        } catch (IOException e) {
            findings.add(route + ": error body is not JSON: " + answer);
        }
        if (answer.body().contains("Exception") || answer.body().contains("java.") || answer.body().contains("jackson")) {
            findings.add(route + ": error names a Java class: " + answer);
        }
    }

    /** One answer, with the request that caused it. */
    public record Answer(String request, int status, String head, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Sends one request on a raw socket (java.net.URI refuses to build the malformed ones). */
    private Answer send(String method, String target, String contentType, String body) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append("\r\nConnection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (contentType != null) {
            request.append("Content-Type: ").append(contentType).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        request.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        String described = method + " " + target + (contentType == null ? "" : " (" + contentType + ")") + " " + body;
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                return new Answer(described, 999, text, "");
            }
            return new Answer(described, Integer.parseInt(text.substring(9, 12)), text.substring(0, end + 2),
                    text.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(described + " failed", e);
        }
    }
}
