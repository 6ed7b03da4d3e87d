package org.xroadng.protocol.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;

/** A component's listener counts every answer by route template and status, and serves them at GET /metrics. */
class ComponentMetricsTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private ComponentMetrics metrics;
    private HttpApiServer server;

    @BeforeEach
    void start() throws IOException {
        metrics = new ComponentMetrics("trust");
        HttpApiServer.Builder builder = HttpApiServer.builder("test")
                .route("GET", "/ocsp/{request}", call -> HttpReply.of(200, "text/plain", new byte[] {1}))
                .route("POST", "/tsa", call -> {
                    throw new IllegalStateException("the TSA key is gone");
                });
        server = metrics.addTo(builder).start();
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.baseUri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers_countedByRouteTemplateAndStatus_notByPath() throws IOException, InterruptedException {
        assertEquals(200, send("GET", "/ocsp/MEQwQjBA").statusCode());
        assertEquals(200, send("GET", "/ocsp/another-request").statusCode());
        assertEquals(500, send("POST", "/tsa").statusCode());
        assertEquals(404, send("GET", "/no/such/thing").statusCode());

        HttpResponse<String> scrape = send("GET", "/metrics");

        assertEquals(200, scrape.statusCode());
        assertEquals(ComponentMetrics.CONTENT_TYPE, scrape.headers().firstValue("Content-Type").orElseThrow());
        String text = scrape.body();
        assertTrue(text.contains("xroad_http_requests_total{component=\"trust\",method=\"GET\",route=\"/ocsp/{request}\","
                + "status=\"200\"} 2.0"), text);
        assertTrue(text.contains("xroad_http_requests_total{component=\"trust\",method=\"POST\",route=\"/tsa\","
                + "status=\"500\"} 1.0"), text);
        assertTrue(text.contains("route=\"" + HttpApiServer.UNMATCHED + "\",status=\"404\"} 1.0"), text);
        assertFalse(text.contains("MEQwQjBA"), "paths never become series");
        assertTrue(text.contains("xroad_http_request_seconds_count{component=\"trust\",route=\"/ocsp/{request}\"} 2"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(text.contains("process_uptime_seconds"), text);
    }
}
