package org.xroadng.certs.tsa;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpEndpoint;

/** A test PKI with a TSA certificate, a TSA on a fixed clock, and helpers to serve and call it. */
final class TsaFixture {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final TestPki pki = TestPki.create(CLOCK);
    final TestPki.Issued tsaIssued = pki.issue("Test TSA", CertificateKind.TSA, List.of(), null);
    final TimeStampAuthority tsa = new TimeStampAuthority(tsaIssued.cert(), List.of(pki.ca.cert()),
            tsaIssued.key(), CLOCK, pki.random);

    /** Starts a loopback server with {@code endpoint} at {@code POST /tsa}. */
    static HttpApiServer serve(HttpEndpoint endpoint) throws IOException {
        return HttpApiServer.builder("test-tsa").route("POST", "/tsa", endpoint).start();
    }

    static URI tsaUri(HttpApiServer server) {
        return server.baseUri().resolve("/tsa");
    }

    TimestampClient client(URI tsaUrl) {
        return new TimestampClient(tsaUrl, tsaIssued.cert(), CLOCK, pki.bc, pki.random, Duration.ofSeconds(10));
    }

    static HttpResponse<byte[]> post(URI uri, String contentType, byte[] body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
