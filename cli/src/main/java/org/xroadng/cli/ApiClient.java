package org.xroadng.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * A client for a component's JSON API with a bearer key. Any refusal becomes a {@link UserError}
 * carrying the server's own message, so the operator reads why, not an HTTP dump.
 */
final class ApiClient {

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    ApiClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    private JsonNode send(String method, String path, Object body) {
        String base = this.base.toString().endsWith("/") ? this.base.toString().substring(0, this.base.toString().length() - 1)
                : this.base.toString();
        URI uri = URI.create(base + path);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + apiKey)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.mapper().writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? null : parse(response);
            if (response.statusCode() >= 400) {
                String message = json == null ? response.body() : json.path("message").asText(response.body());
                throw new UserError(method + " " + path + " was refused (" + response.statusCode() + " "
                        + (json == null ? "" : json.path("type").asText()) + "): " + message);
            }
            return json;
        } catch (ConnectException e) {
            throw new UserError("cannot reach " + base + ": connection refused (is it running?)");
        } catch (HttpTimeoutException e) {
            throw new UserError(base + " did not answer in time");
        } catch (IOException e) {
            throw new UserError("cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
    }

    private static JsonNode parse(HttpResponse<String> response) {
        try {
            return ProtocolJson.mapper().readTree(response.body());
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
