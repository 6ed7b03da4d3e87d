package org.xroadng.certs.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The CA's side of an {@code http-01} challenge (RFC 8555 section 8.3): a GET of
 * {@code http://HOST:PORT/.well-known/acme-challenge/TOKEN}, no redirects followed, at most 4 KiB
 * read, the body (trailing whitespace trimmed) equal to the key authorization. The port is 80 as
 * RFC 8555 requires, unless the CA is configured otherwise (tests, a port-forwarding setup).
 * Runs on an HTTP worker thread: it blocks for at most {@link #TIMEOUT}.
 */
final class Http01Validator {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_BYTES = 4096;

    private final int port;
    private final HttpClient client;

    Http01Validator(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the http-01 port must be 1..65535, not " + port);
        }
        this.port = port;
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Empty when the host answered the key authorization; otherwise why not, for the challenge's error. */
    Optional<String> validate(AcmeIdentifier identifier, String token, String keyAuthorization) {
        String host = identifier.type().equals(AcmeIdentifier.IP) && identifier.value().contains(":")
                ? "[" + identifier.value() + "]" : identifier.value();
        URI uri = URI.create("http://" + host + ":" + port + "/.well-known/acme-challenge/" + token);
        try {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (response.statusCode() != 200) {
                return Optional.of(uri + " answered HTTP " + response.statusCode() + ", not 200");
            }
            if (body.length > MAX_BYTES) {
                return Optional.of(uri + " answered more than " + MAX_BYTES + " bytes");
            }
            String answered = new String(body, StandardCharsets.US_ASCII).stripTrailing();
            return answered.equals(keyAuthorization) ? Optional.empty()
                    : Optional.of(uri + " answered another key authorization than this account's for this token");
        } catch (IOException e) {
            return Optional.of("cannot fetch " + uri + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while fetching " + uri);
        } catch (IllegalArgumentException e) {
            return Optional.of("cannot fetch " + uri + ": " + e.getMessage());
        }
    }
}
