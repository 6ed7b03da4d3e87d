package org.xroadng.protocol.globalconf;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;

/**
 * Downloads the signed configuration from the registry's {@code GET /globalconf} with a
 * conditional request ({@code If-None-Match}, RFC 9110 section 13.1.2).
 *
 * <p>Guarantees: a 200 yields its body (at most the configured number of bytes) and its
 * {@code ETag}; a 304 yields {@link ConfigurationSource.Download.Status#NOT_MODIFIED}; every
 * other outcome (another status, no connection, a timeout, too large a body) is a
 * {@link Reason#DOWNLOAD_FAILED} naming the URL and what happened. Redirects are not followed.
 * The timeout bounds connecting and waiting for the response headers. Thread-safe.
 */
public final class HttpConfigurationSource implements ConfigurationSource {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final URI url;
    private final HttpClient client;
    private final Duration timeout;
    private final int maxBodyBytes;

    /** Downloads from the anchor's URL with the default timeout and body limit. */
    public HttpConfigurationSource(Anchor anchor) {
        this(anchor.downloadUrl(), HttpClient.newBuilder().connectTimeout(DEFAULT_TIMEOUT).build(),
                DEFAULT_TIMEOUT, DEFAULT_MAX_BODY_BYTES);
    }

    /**
     * @param client       used as given (its TLS trust, proxy and redirect policy included); it
     *                     should not follow redirects
     * @param timeout      for the whole request up to the response headers
     * @param maxBodyBytes larger bodies are refused
     */
    public HttpConfigurationSource(URI url, HttpClient client, Duration timeout, int maxBodyBytes) {
        this.url = Objects.requireNonNull(url, "url");
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, not " + timeout);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, not " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public Download fetch(String ifNoneMatchEtag) throws ConfigurationException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).GET().timeout(timeout)
                .header("Accept", GlobalConfigurationCodec.MEDIA_TYPE);
        if (ifNoneMatchEtag != null) {
            request.header("If-None-Match", ifNoneMatchEtag);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw failed("no response within " + timeout.toMillis() + " ms", e);
        } catch (ConnectException e) {
            throw failed("cannot connect" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (IOException e) {
            throw failed(e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted", e);
        }
        try (InputStream body = response.body()) {
            String etag = response.headers().firstValue("ETag").orElse(null);
            int status = response.statusCode();
            if (status == 304) {
                return Download.notModified(etag);
            }
            if (status != 200) {
                throw new ConfigurationException(Reason.DOWNLOAD_FAILED, "downloading the configuration from " + url
                        + " returned HTTP status " + status + "; expected 200 or 304", "200 or 304",
                        Integer.toString(status), null);
            }
            OptionalLong declared = declaredLength(response);
            if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
                throw tooLarge(declared.getAsLong() + " bytes");
            }
            byte[] bytes = body.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge("more than " + maxBodyBytes + " bytes");
            }
            return Download.of(new String(bytes, StandardCharsets.UTF_8), etag);
        } catch (IOException e) {
            throw failed("reading the body failed: " + e, e);
        }
    }

    private static OptionalLong declaredLength(HttpResponse<?> response) {
        try {
            return response.headers().firstValueAsLong("Content-Length");
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // the read below enforces the limit regardless
        }
    }

    private ConfigurationException tooLarge(String size) {
        return new ConfigurationException(Reason.DOWNLOAD_FAILED, "the configuration at " + url + " is " + size
                + "; the limit is " + maxBodyBytes + " bytes", "at most " + maxBodyBytes + " bytes", size, null);
    }

    private ConfigurationException failed(String what, Throwable cause) {
        return new ConfigurationException(Reason.DOWNLOAD_FAILED, "downloading the configuration from " + url
                + " failed: " + what, cause);
    }

    @Override
    public String toString() {
        return "HttpConfigurationSource[" + url + "]";
    }
}
