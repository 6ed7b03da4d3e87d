package org.xroadng.certs.ocsp;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.x509.CRLReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.OpenSsl;
import org.xroadng.certs.TestPki;
import org.xroadng.protocol.http.HttpApiServer;

/** OpenSSL 3, not our verifier, judges what the responder sends over HTTP. */
class OcspOpenSslTest {

    // openssl checks thisUpdate/nextUpdate against the real time, so the responder uses it too.
    private final Clock clock = Clock.systemUTC();
    private final OcspFixture f = new OcspFixture(clock);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private HttpApiServer server;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = new OcspHttpEndpoints(f.responder).addTo(HttpApiServer.builder("ocsp-test"), "/ocsp").start();
        url = server.baseUri() + "/ocsp";
        TestPki.writePem(dir, "ca.pem", f.pki.ca.cert());
        TestPki.writePem(dir, "leaf.pem", f.leaf.cert());
        TestPki.writePem(dir, "responder.pem", f.responderCert.cert());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenSsl.Result ask() {
        return OpenSsl.run(dir, "ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-url", url,
                "-CAfile", "ca.pem", "-resp_text");
    }

    @Test
    void goodCertificateOverPost_isJudgedGoodAndVerifiedByOpenSsl() {
        OpenSsl.Result result = ask();

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("Response verify OK"), result.output());
        assertTrue(result.output().contains("leaf.pem: good"), result.output());
    }

    @Test
    void revokedCertificateOverPost_isJudgedRevokedByOpenSsl() {
        f.source.revoke(f.leaf.cert(), clock.instant().minusSeconds(3600), CRLReason.keyCompromise);

        OpenSsl.Result result = ask();

        assertTrue(result.output().contains("Response verify OK"), result.output());
        assertTrue(result.output().contains("leaf.pem: revoked"), result.output());
        assertTrue(result.output().contains("Reason: keyCompromise"), result.output());
    }

    @Test
    void responderCertificateAsVaFile_isAcceptedByOpenSsl() {
        OpenSsl.Result result = OpenSsl.run(dir, "ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-url", url,
                "-CAfile", "ca.pem", "-VAfile", "responder.pem");

        assertTrue(result.output().contains("Response verify OK"), result.output());
        assertTrue(result.output().contains("leaf.pem: good"), result.output());
    }

    @Test
    void garbagePosted_isAnsweredMalformedRequestAsOpenSslReadsIt() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", OcspHttpEndpoints.REQUEST_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray("not an OCSP request".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        Files.write(dir.resolve("resp.der"), response.body());

        OpenSsl.Result result = OpenSsl.run(dir, "ocsp", "-respin", "resp.der", "-resp_text", "-noverify");

        assertEquals(200, response.statusCode());
        assertEquals(OcspHttpEndpoints.RESPONSE_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(result.output().toLowerCase(Locale.ROOT).contains("malformedrequest"), result.output());
    }

    @Test
    void openSslRequestSentByGet_isAnsweredGood() throws IOException, InterruptedException {
        OpenSsl.Result made = OpenSsl.run(dir, "ocsp", "-issuer", "ca.pem", "-cert", "leaf.pem", "-no_nonce",
                "-reqout", "req.der");
        assertEquals(0, made.exitCode(), made.output());
        String encoded = URLEncoder.encode(Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("req.der"))),
                StandardCharsets.UTF_8);

        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "/" + encoded)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Files.write(dir.resolve("resp.der"), response.body());
        // A GET request carries no nonce so that it can be cached (RFC 5019 section 2.1.1).
        OpenSsl.Result result = OpenSsl.run(dir, "ocsp", "-respin", "resp.der", "-no_nonce",
                "-issuer", "ca.pem", "-cert", "leaf.pem", "-CAfile", "ca.pem");

        assertEquals(200, response.statusCode());
        assertTrue(result.output().contains("Response verify OK"), result.output());
        assertTrue(result.output().contains("leaf.pem: good"), result.output());
    }

    @Test
    void badBase64InGetPath_isAnsweredMalformedRequest() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url + "/%21%21not-base64"))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        Files.write(dir.resolve("resp.der"), response.body());

        OpenSsl.Result result = OpenSsl.run(dir, "ocsp", "-respin", "resp.der", "-resp_text", "-noverify");

        assertEquals(200, response.statusCode());
        assertTrue(result.output().toLowerCase(Locale.ROOT).contains("malformedrequest"), result.output());
    }
}
