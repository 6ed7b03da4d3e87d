package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.json.ProtocolJson;

/** A JSON endpoint's edges: media type, duplicate keys, malformed JSON; every refusal a JSON error. */
class JsonBodyTest {

    private HttpApiServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpApiServer.builder("test")
                .route("POST", "/things", call -> HttpReply.json(201,
                        Map.of("name", JsonBody.parse(call, Set.of("name", "size")).string("name"))))
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String contentType, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + "/things"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode error(HttpResponse<String> response) throws JsonProcessingException {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        JsonNode json = ProtocolJson.mapper().readTree(response.body());
        assertTrue(json.path("type").isTextual() && json.path("message").isTextual(), response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("java.")
                || response.body().contains("jackson"), response.body());
        return json;
    }

    @Test
    void jsonSentAsTextPlain_is415NamingWhatWasGivenAndExpected() throws IOException, InterruptedException {
        HttpResponse<String> response = post("text/plain", "{\"name\":\"a\"}");

        assertEquals(415, response.statusCode());
        JsonNode json = error(response);
        assertEquals("UnsupportedMediaType", json.get("type").asText());
        assertTrue(json.get("message").asText().contains("'text/plain'"), response.body());
        assertTrue(json.get("message").asText().contains("expected application/json"), response.body());
    }

    @Test
    void jsonWithoutContentType_is415() throws IOException, InterruptedException {
        HttpResponse<String> response = post(null, "{\"name\":\"a\"}");

        assertEquals(415, response.statusCode());
        assertTrue(error(response).get("message").asText().contains("no Content-Type"), response.body());
    }

    @Test
    void jsonWithCharsetOrStructuredSuffix_isAccepted() throws IOException, InterruptedException {
        assertEquals(201, post("Application/JSON; charset=utf-8", "{\"name\":\"a\"}").statusCode());
        assertEquals(201, post("application/merge-patch+json", "{\"name\":\"a\"}").statusCode());
        assertEquals(415, post("application/jsonx", "{\"name\":\"a\"}").statusCode());
        assertEquals(415, post("text/json+xml", "{\"name\":\"a\"}").statusCode());
    }

    @Test
    void duplicateKey_is400NamingTheKey() throws IOException, InterruptedException {
        HttpResponse<String> response = post("application/json", "{\"name\":\"a\",\"size\":1,\"name\":\"b\"}");

        assertEquals(400, response.statusCode());
        String message = error(response).get("message").asText();
        assertTrue(message.contains("'name' appears more than once"), message);
    }

    @Test
    void nestedDuplicateKey_is400() throws IOException, InterruptedException {
        HttpResponse<String> response = post("application/json", "{\"name\":\"a\",\"size\":{\"x\":1,\"x\":2}}");

        assertEquals(400, response.statusCode());
        assertTrue(error(response).get("message").asText().contains("'x' appears more than once"), response.body());
    }

    @Test
    void malformedOrTrailingJson_is400WithoutClassNames() throws IOException, InterruptedException {
        for (String body : new String[] {"{\"name\":", "{\"name\":\"a\"} {}", "[1,2", "{'name':'a'}", "\u0000"}) {
            HttpResponse<String> response = post("application/json", body);

            assertEquals(400, response.statusCode(), body);
            error(response);
        }
    }

    @Test
    void protocolMapper_refusesDuplicateKeysInAnyDocument() {
        // The same mapper reads signed payloads (message summaries, global configuration): a payload
        // with two values for one key must not verify as one of them.
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> ProtocolJson.mapper().readTree("{\"client\":\"A\",\"client\":\"B\"}"));
        assertTrue(ProtocolJson.describe(e).startsWith("the key 'client' appears more than once"),
                ProtocolJson.describe(e));
    }
}
