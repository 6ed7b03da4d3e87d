package org.xroadng.certs.ocsp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * {@link OcspTransport} over HTTP POST with {@link HttpClient} (RFC 6960 Appendix A.1). Each call
 * is bounded by the timeout; a response body over {@value #MAX_RESPONSE_BYTES} bytes is refused.
 * Thread-safe.
 */
public final class HttpOcspTransport implements OcspTransport {

    /** The largest response body accepted. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    /** @param timeout bounds each request, response included; positive */
    public HttpOcspTransport(HttpClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive; given " + timeout);
        }
    }

    /** A transport with a new {@link HttpClient} whose connect timeout is also {@code timeout}. */
    public static HttpOcspTransport withTimeout(Duration timeout) {
        return new HttpOcspTransport(HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build(), timeout);
    }

    @Override
    public byte[] post(URI responder, byte[] derRequest) throws OcspException {
        HttpRequest request = HttpRequest.newBuilder(responder)
                .timeout(timeout)
                .header("Content-Type", OcspHttpEndpoints.REQUEST_TYPE)
                .header("Accept", OcspHttpEndpoints.RESPONSE_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(derRequest))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new OcspException("OCSP responder " + responder + " did not answer within " + timeout);
        } catch (IOException e) {
            throw new OcspException("OCSP responder " + responder + " is unreachable: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OcspException("interrupted while waiting for OCSP responder " + responder);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new OcspException("OCSP responder " + responder + " answered HTTP " + response.statusCode()
                        + "; expected 200");
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.toLowerCase(Locale.ROOT).startsWith(OcspHttpEndpoints.RESPONSE_TYPE)) {
                throw new OcspException("OCSP responder " + responder + " answered Content-Type '" + type
                        + "'; expected " + OcspHttpEndpoints.RESPONSE_TYPE);
            }
            byte[] bytes = body.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new OcspException("OCSP responder " + responder + " answered more than "
                        + MAX_RESPONSE_BYTES + " bytes");
            }
            return bytes;
        } catch (HttpTimeoutException e) {
            throw new OcspException("OCSP responder " + responder + " did not finish its answer within " + timeout);
        } catch (IOException e) {
            throw new OcspException("OCSP responder " + responder + " broke off its answer: " + describe(e));
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
