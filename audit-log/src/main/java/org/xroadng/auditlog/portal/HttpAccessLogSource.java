package org.xroadng.auditlog.portal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Fetches access-log answers through the portal's own security server, as any consumer calls a
 * service (DESIGN.md section 6): {@code GET {clientProxy}/r1/{target}/accessLog?subject=...} with
 * {@code X-Road-Client} the portal's subsystem and {@code X-Road-Security-Server} the server asked,
 * so the request reaches exactly that server. An error answer's {@code {type, message}} becomes the
 * exception's message; bodies are limited to 8 MiB. Thread-safe.
 */
public final class HttpAccessLogSource implements AccessLogSource {

    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final URI clientProxy;
    private final SubsystemId portal;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param clientProxy the client proxy of the portal's security server, such as {@code http://127.0.0.1:8080}
     * @param portal      the portal's subsystem, a member of the {@code citizen-portals} global group
     * @param timeout     for the whole request
     */
    public HttpAccessLogSource(URI clientProxy, SubsystemId portal, HttpClient http, Duration timeout) {
        this.clientProxy = Objects.requireNonNull(clientProxy, "clientProxy");
        this.portal = Objects.requireNonNull(portal, "portal");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public AccessLogAnswer fetch(SecurityServerId server, SubsystemId target, PersonalCode subject)
            throws AccessLogSourceException {
        URI uri = uri(target, subject);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json")
                .header(XRoadHeaders.CLIENT, portal.format())
                .header(XRoadHeaders.SECURITY_SERVER, server.format())
                .GET().build();
        int status;
        byte[] body;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
        } catch (IOException e) {
            throw new AccessLogSourceException(server.format() + " could not be asked through " + clientProxy
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessLogSourceException("interrupted while asking " + server.format(), e);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new AccessLogSourceException(server.format() + " answered more than " + MAX_BODY_BYTES + " bytes");
        }
        if (status != 200) {
            throw new AccessLogSourceException(server.format() + " answered HTTP " + status + ": " + reason(body));
        }
        try {
            return AccessLogAnswerCodec.read(body);
        } catch (AccessLogFormatException e) {
            throw new AccessLogSourceException(server.format() + " answered in an unexpected form: " + e.getMessage(), e);
        }
    }

    private URI uri(SubsystemId target, PersonalCode subject) {
        StringBuilder path = new StringBuilder(clientProxy.toString().replaceAll("/+$", "")).append("/r1");
        for (String part : target.format().split("/")) {
            path.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(path.append('/').append(AccessLogProtocol.SERVICE_CODE).append('?')
                .append(AccessLogProtocol.SUBJECT_PARAM).append('=')
                .append(URLEncoder.encode(subject.value(), StandardCharsets.UTF_8)).toString());
    }

    private static String reason(byte[] body) {
        try {
            JsonNode json = ProtocolJson.mapper().readTree(body);
            if (json != null && json.hasNonNull("message")) {
                String type = json.hasNonNull("type") ? json.get("type").asText() + ": " : "";
                return type + json.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: the start of the text below
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
