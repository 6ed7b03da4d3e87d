package org.xroadng.certs.tsa;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.xroadng.certs.tsa.TimestampException.Check;

/**
 * A {@link Timestamper} that asks an RFC 3161 TSA over HTTP (section 3.4) and trusts exactly one
 * TSA certificate.
 *
 * <p>Each request carries a SHA-256 imprint, a fresh 64-bit random nonce and certReq = true
 * (section 2.4.1). The answer must be a 200 {@code application/timestamp-reply} of at most
 * {@value #MAX_RESPONSE_BYTES} bytes holding a granted TimeStampResp whose token echoes the nonce;
 * the token must then pass {@link TimestampVerifier} and its genTime must lie within
 * {@link #MAX_CLOCK_SKEW} of the injected clock. A refusal carries the TSA's status string and
 * failInfo ({@link TimestampException#statusString()}, {@link TimestampException#failInfo()}).
 * Thread-safe.
 */
public final class TimestampClient implements Timestamper {

    /** How far a fresh token's genTime may lie from our clock, either way. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** The largest TSA answer read; a token with a short chain is a few kilobytes. */
    public static final int MAX_RESPONSE_BYTES = 256 * 1024;

    private static final int SHA256_LENGTH = 32;

    private final URI tsaUrl;
    private final X509Certificate trustedTsaCertificate;
    private final Clock clock;
    private final SecureRandom random;
    private final HttpClient http;
    private final Duration timeout;
    private final TimestampVerifier verifier;

    /** A client with its own {@link HttpClient}; {@code timeout} bounds both connecting and the whole exchange. */
    public TimestampClient(URI tsaUrl, X509Certificate trustedTsaCertificate, Clock clock, Provider provider,
                           SecureRandom random, Duration timeout) {
        this(tsaUrl, trustedTsaCertificate, clock, provider, random,
                HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build(),
                timeout);
    }

    /** A client on a caller's {@link HttpClient}; {@code timeout} bounds each exchange. */
    public TimestampClient(URI tsaUrl, X509Certificate trustedTsaCertificate, Clock clock, Provider provider,
                           SecureRandom random, HttpClient http, Duration timeout) {
        this.tsaUrl = Objects.requireNonNull(tsaUrl, "tsaUrl");
        this.trustedTsaCertificate = Objects.requireNonNull(trustedTsaCertificate, "trustedTsaCertificate");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.verifier = new TimestampVerifier(provider);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive; got " + timeout);
        }
    }

    @Override
    public TimeStampToken timestamp(byte[] sha256Digest) throws TimestampException {
        if (sha256Digest.length != SHA256_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest is " + SHA256_LENGTH + " bytes; got "
                    + sha256Digest.length);
        }
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(true);
        TimeStampRequest request = generator.generate(TSPAlgorithms.SHA256, sha256Digest, new BigInteger(64, random));
        byte[] answer = exchange(request);
        TimeStampToken token = TimeStampResponseCheck.grantedToken(request, answer);
        VerifiedTimestamp verified = verifier.verify(token, sha256Digest, trustedTsaCertificate);
        Instant now = clock.instant();
        if (Duration.between(verified.genTime(), now).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            throw TimestampException.mismatch(Check.GEN_TIME, "genTime of a fresh token", "within "
                    + MAX_CLOCK_SKEW + " of our clock " + now, verified.genTime());
        }
        return token;
    }

    private byte[] exchange(TimeStampRequest request) throws TimestampException {
        HttpRequest post;
        try {
            post = HttpRequest.newBuilder(tsaUrl)
                    .timeout(timeout)
                    .header("Content-Type", TsaHttpEndpoint.QUERY_TYPE)
                    .header("Accept", TsaHttpEndpoint.REPLY_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.getEncoded()))
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a TimeStampReq we built", e);
        }
        try {
            HttpResponse<InputStream> response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw TimestampException.mismatch(Check.HTTP_RESPONSE, "HTTP status from TSA " + tsaUrl, 200,
                            response.statusCode());
                }
                String contentType = response.headers().firstValue("Content-Type").orElse("none");
                if (!TsaHttpEndpoint.REPLY_TYPE.equals(TsaHttpEndpoint.mediaType(contentType))) {
                    throw TimestampException.mismatch(Check.HTTP_RESPONSE, "Content-Type from TSA " + tsaUrl,
                            TsaHttpEndpoint.REPLY_TYPE, contentType);
                }
                byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (body.length > MAX_RESPONSE_BYTES) {
                    throw TimestampException.mismatch(Check.HTTP_RESPONSE, "size of the answer from TSA " + tsaUrl,
                            "at most " + MAX_RESPONSE_BYTES + " bytes", "more");
                }
                return body;
            }
        } catch (HttpTimeoutException e) {
            throw TimestampException.failed(Check.TRANSPORT, "TSA " + tsaUrl + " did not answer within " + timeout,
                    e);
        } catch (ConnectException e) {
            throw TimestampException.failed(Check.TRANSPORT, "TSA " + tsaUrl + " is unreachable: connection refused"
                    + " or failed", e);
        } catch (IOException e) {
            // The reason reaches information systems in TimestampingFailed refusals: words, not class names.
            throw TimestampException.failed(Check.TRANSPORT, "exchange with TSA " + tsaUrl + " failed: "
                    + (e.getMessage() == null || e.getMessage().isBlank() ? "the connection failed" : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TimestampException.failed(Check.TRANSPORT, "interrupted while waiting for TSA " + tsaUrl, e);
        }
    }
}
