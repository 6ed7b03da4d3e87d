package org.xroadng.protocol.http;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiServerTest {

    private HttpApiServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpApiServer.builder("test")
                .maxBodyBytes(16)
                .route("GET", "/members/{id}", call -> HttpReply.text(200, "member " + call.pathParam("id")))
                .route("POST", "/echo", call -> HttpReply.of(200, "application/octet-stream", call.body()))
                .route("GET", "/files/{rest...}", call -> HttpReply.text(200, "rest=" + call.pathParam("rest")))
                .route("GET", "/query", call -> HttpReply.text(200, "q=" + call.queryParam("q").orElse("-")))
                .route("GET", "/boom", call -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void encodedSlashInParameter_staysInsideIt() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/members/DEMO%2FGOV%2F1001", null);
        assertEquals(200, response.statusCode());
        assertEquals("member DEMO/GOV/1001", response.body());
    }

    @Test
    void restParameter_capturesRawRemainder() throws IOException, InterruptedException {
        assertEquals("rest=a/b%2Bc", send("GET", "/files/a/b%2Bc", null).body());
    }

    @Test
    void unknownPath_is404WithJsonError() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/nothing", null);
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("\"type\":\"NotFound\""), response.body());
    }

    @Test
    void wrongMethod_is405WithAllowHeader() throws IOException, InterruptedException {
        HttpResponse<String> response = send("DELETE", "/echo", null);
        assertEquals(405, response.statusCode());
        assertEquals("POST", response.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void bodyOverLimit_is413() throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", "/echo", "x".repeat(17));
        assertEquals(413, response.statusCode());
        assertTrue(response.body().contains("limit of 16 bytes"), response.body());
        assertEquals("x".repeat(16), send("POST", "/echo", "x".repeat(16)).body());
    }

    @Test
    void repeatedQueryParameter_is400() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/query?q=1&q=2", null);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("given 2 times"), response.body());
        assertEquals("q=a b", send("GET", "/query?q=a%20b", null).body());
    }

    @Test
    void badPercentEscape_is400() throws IOException, InterruptedException {
        assertEquals(400, send("GET", "/members/%C3%28", null).statusCode());
    }

    @Test
    void endpointFailure_is500WithIncidentAndNoInternals() throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/boom", null);
        assertEquals(500, response.statusCode());
        assertTrue(response.body().contains("\"detail\":\""), response.body());
        assertFalse(response.body().contains("secret internal detail"), response.body());
        assertFalse(response.body().contains("IllegalStateException"), response.body());
    }
}
