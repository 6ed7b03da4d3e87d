package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xroadng.protocol.XRoadHeaders;

/** Runs the {@link SampleExchange}s through a client proxy and reports each outcome. */
final class SampleExchanges {

    /** What came back: status, {@code X-Road-Error} (empty when none) and body. */
    record Outcome(SampleExchange exchange, int status, String error, String body) {
        boolean asExpected() {
            return status == exchange.expectedStatus();
        }
    }

    private final HttpClient http;

    SampleExchanges(HttpClient http) {
        this.http = http;
    }

    List<Outcome> run(URI clientProxy) throws DemoException {
        List<Outcome> outcomes = new ArrayList<>();
        for (SampleExchange exchange : SampleExchange.ALL) {
            HttpRequest.Builder request = HttpRequest.newBuilder(exchange.uri(clientProxy)).timeout(Duration.ofSeconds(30)).GET();
            exchange.headers().forEach(request::header);
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                outcomes.add(new Outcome(exchange, response.statusCode(),
                        response.headers().firstValue(XRoadHeaders.ERROR).orElse(""), response.body()));
            } catch (IOException e) {
                throw new DemoException("GET " + exchange.uri(clientProxy) + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted while running the sample exchanges", e);
            }
        }
        return outcomes;
    }
}
