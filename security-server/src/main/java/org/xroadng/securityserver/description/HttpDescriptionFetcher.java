package org.xroadng.securityserver.description;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Reads a description over HTTP(S) with the JDK's client: redirects followed except from https to
 * http, certificates checked against the JVM's trust store, {@code timeout} for the whole answer,
 * at most {@link OpenApiParser#MAX_BYTES} read.
 */
public final class HttpDescriptionFetcher implements DescriptionFetcher {

    private final HttpClient client;
    private final Duration timeout;

    public HttpDescriptionFetcher(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public byte[] fetch(URI url) throws DescriptionException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Accept", "application/yaml, application/json;q=0.9, */*;q=0.5").GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw unavailable(url, "it answered HTTP " + response.statusCode());
                }
                byte[] content = body.readNBytes(OpenApiParser.MAX_BYTES + 1);
                if (content.length > OpenApiParser.MAX_BYTES) {
                    throw unavailable(url, "it is larger than " + OpenApiParser.MAX_BYTES + " bytes");
                }
                return content;
            }
        } catch (HttpTimeoutException e) {
            throw unavailable(url, "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw unavailable(url, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(url, "interrupted");
        }
    }

    private static DescriptionException unavailable(URI url, String why) {
        return new DescriptionException(DescriptionException.Kind.UNAVAILABLE, "the description cannot be read from "
                + url + ": " + why);
    }
}
