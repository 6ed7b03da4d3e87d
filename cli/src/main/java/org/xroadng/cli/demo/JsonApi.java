package org.xroadng.cli.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * A component's JSON API called with a bearer key, the way an operator's script would: the
 * registry's operator API or a security server's admin API. A status of 400 or more is a
 * {@link DemoException} naming the call and carrying the component's own message.
 */
public final class JsonApi {

    /** An answer: status and JSON body (a missing node when the body is empty or not JSON). */
    record Answer(int status, JsonNode json) {
        boolean found() {
            return status != 404;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final String base;
    private final String apiKey;
    private final HttpClient http;

    public JsonApi(String name, URI base, String apiKey, HttpClient http) {
        this.name = name;
        this.base = base.toString().replaceAll("/+$", "") + "/api/v1";
        this.apiKey = apiKey;
        this.http = http;
    }

    public JsonNode get(String path) throws DemoException {
        return send("GET", path, null, false).json();
    }

    /** A GET where 404 is an answer, not a failure. */
    Answer find(String path) throws DemoException {
        return send("GET", path, null, true);
    }

    public JsonNode post(String path, Object body) throws DemoException {
        return send("POST", path, body, false).json();
    }

    public JsonNode put(String path, Object body) throws DemoException {
        return send("PUT", path, body, false).json();
    }

    public JsonNode delete(String path) throws DemoException {
        return send("DELETE", path, null, false).json();
    }

    private Answer send(String method, String path, Object body, boolean notFoundIsAnswer) throws DemoException {
        String what = method + " " + name + " /api/v1" + path;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + apiKey).header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.mapper().writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = parse(response.body());
            if (response.statusCode() >= 400 && !(notFoundIsAnswer && response.statusCode() == 404)) {
                throw new DemoException(what + " was refused (HTTP " + response.statusCode() + " "
                        + json.path("type").asText() + "): " + json.path("message").asText(response.body()));
            }
            return new Answer(response.statusCode(), json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be written as JSON: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DemoException(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoException(what + " was interrupted", e);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return ProtocolJson.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }
}
