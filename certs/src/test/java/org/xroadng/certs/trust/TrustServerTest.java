package org.xroadng.certs.trust;

import org.xroadng.protocol.jws.SigningException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateException;
import org.xroadng.certs.tsa.TimestampException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.IssuedCertificate;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.tsa.TimestampClient;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.testing.FreePorts;

/**
 * The whole trust chain as a security server will use it: a CA issues an auth certificate, the
 * trust server answers OCSP from the CA's records, and validation with a real OCSP client accepts
 * the certificate until the CA revokes it. The TSA client gets and verifies a real token.
 */
class TrustServerTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");

    @TempDir
    Path dir;

    private final TestPki keys = TestPki.create(Clock.systemUTC());
    private CertificateAuthority ca;
    private TrustServer server;

    @BeforeEach
    void start() throws CaException, IOException {
        int port;
        port = FreePorts.one();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        ca = CertificateAuthority.init(dir, new CaSettings("Trust CA", URI.create("http://127.0.0.1:" + port), listen, 30),
                Pin.of("trust-pin"), keys.bc, keys.random, keys.clock);
        server = TrustServer.start(ca, listen, keys.clock, keys.random);
    }

    @AfterEach
    void stop() {
        server.close();
        ca.close();
    }

    @Test
    void everyRoute_answersBadContentTypesAndEscapesWithJson4xx() {
        List<String> acme = server.routes().stream().filter(r -> r.contains(" /acme/")).toList();
        org.xroadng.certs.ApiEdgeSweep sweep = new org.xroadng.certs.ApiEdgeSweep(server.address(), java.util.Map.of())
                .sweep(server.routes().stream().filter(r -> !acme.contains(r)).toList());
        org.xroadng.certs.ApiEdgeSweep acmeSweep = new org.xroadng.certs.ApiEdgeSweep(server.address(), java.util.Map.of())
                .sweep(acme);

        assertEquals(List.of(), sweep.findings());
        assertEquals(List.of(), sweep.jsonRoutes(), "the trust services read no JSON");
        // ACME answers RFC 7807 problem documents (application/problem+json), not our error JSON:
        // the only finding allowed on its routes is that format, never a 5xx or a Java name
        assertEquals(List.of(), acmeSweep.findings().stream().filter(f -> !(f.contains("error is not JSON: 400")
                && f.contains("\"type\":\"urn:ietf:params:acme:error:malformed\""))).toList());
    }

    private IssuedCertificate issueAuthCertificate() throws CaException, SigningException {
        TestPki.Issued subject = keys.issue("key", CertificateKind.SERVER_AUTH, List.of(), null);
        byte[] csr = Pem.encode(CsrBuilder.build(subject.key(), CertificateProfile.AUTH, SERVER,
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))).getBytes(StandardCharsets.US_ASCII);
        return ca.issue(new IssueRequest(csr, CertificateProfile.AUTH, SERVER, List.of(), null));
    }

    private CertificateValidator validator() {
        return new CertificateValidator(new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(5)), keys.clock,
                Duration.ofHours(1), keys.bc, keys.random));
    }

    @Test
    void issuedAuthCertificate_validatesWithLiveOcspUntilRevoked() throws CaException, CertificateValidationException, SigningException {
        IssuedCertificate issued = issueAuthCertificate();

        ValidatedCertificate valid = validator().validate(List.of(issued.certificate()), List.of(ca.caCertificate()),
                keys.clock.instant(), CertificateProfile.AUTH);
        assertEquals(SERVER, valid.identity());
        assertTrue(valid.ocsp().encoded().length > 0);

        ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);

        CertificateValidationException e = assertThrows(CertificateValidationException.class, () -> validator()
                .validate(List.of(issued.certificate()), List.of(ca.caCertificate()), keys.clock.instant(),
                        CertificateProfile.AUTH));
        assertEquals(CertificateValidationException.Reason.REVOKED, e.reason());
    }

    @Test
    void timestampClient_getsVerifiedTokenFromTheServedTsa() throws NoSuchAlgorithmException, TimestampException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("batch root".getBytes(StandardCharsets.UTF_8));
        TimestampClient client = new TimestampClient(ca.settings().tsaUrl(), ca.tsaCertificate(), keys.clock, keys.bc,
                keys.random, Duration.ofSeconds(5));

        TimeStampToken token = client.timestamp(digest);

        assertTrue(MessageDigest.isEqual(digest, token.getTimeStampInfo().getMessageImprintDigest()));
    }

    @Test
    void metrics_countOcspAnswersByStatus_tsaTokensAndRejections_certificatesIssued_caExpiry()
            throws CaException, SigningException, CertificateValidationException, NoSuchAlgorithmException,
            TimestampException, IOException, InterruptedException {
        IssuedCertificate issued = issueAuthCertificate();
        validator().validate(List.of(issued.certificate()), List.of(ca.caCertificate()), keys.clock.instant(),
                CertificateProfile.AUTH);
        ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);
        assertThrows(CertificateValidationException.class, () -> validator().validate(List.of(issued.certificate()),
                List.of(ca.caCertificate()), keys.clock.instant(), CertificateProfile.AUTH));
        assertEquals(200, post("/ocsp", "application/ocsp-request", "not an OCSP request"));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest("batch root".getBytes(StandardCharsets.UTF_8));
        new TimestampClient(ca.settings().tsaUrl(), ca.tsaCertificate(), keys.clock, keys.bc, keys.random,
                Duration.ofSeconds(5)).timestamp(digest);
        assertEquals(200, post("/tsa", "application/timestamp-query", "not a TimeStampReq"));

        String scrape = get("/metrics");
        assertEquals(2.0, value(scrape, "xroad_ocsp_responses_total{status=\"successful\"}"), scrape);
        assertEquals(1.0, value(scrape, "xroad_ocsp_responses_total{status=\"malformedRequest\"}"), scrape);
        assertEquals(0.0, value(scrape, "xroad_ocsp_responses_total{status=\"internalError\"}"), scrape);
        assertEquals(1.0, value(scrape, "xroad_ocsp_certificate_statuses_total{status=\"good\"}"), scrape);
        assertEquals(1.0, value(scrape, "xroad_ocsp_certificate_statuses_total{status=\"revoked\"}"), scrape);
        assertEquals(0.0, value(scrape, "xroad_ocsp_certificate_statuses_total{status=\"unknown\"}"), scrape);
        assertEquals(3.0, value(scrape, "xroad_ocsp_response_seconds_count"), scrape);
        assertEquals(1.0, value(scrape, "xroad_tsa_tokens_total"), scrape);
        assertEquals(1.0, value(scrape, "xroad_tsa_rejections_total{fail_info=\"badDataFormat\"}"), scrape);
        assertEquals(0.0, value(scrape, "xroad_tsa_rejections_total{fail_info=\"systemFailure\"}"), scrape);
        assertEquals(2.0, value(scrape, "xroad_tsa_response_seconds_count"), scrape);
        assertEquals(1.0, value(scrape, "xroad_ca_certificates_issued_total{profile=\"auth\"}"), scrape);
        assertEquals(0.0, value(scrape, "xroad_ca_certificates_issued_total{profile=\"sign\"}"), scrape);
        assertEquals(1.0, value(scrape, "xroad_ca_certificates_revoked_total{profile=\"auth\"}"), scrape);
        for (String certificate : List.of("ca", "ocsp", "tsa")) {
            double expiry = value(scrape, "xroad_ca_certificate_expiry_seconds{certificate=\"" + certificate + "\"}");
            assertTrue(expiry > 86400 && expiry <= 20L * 365 * 86400, certificate + " expires in " + expiry + " s");
        }
        assertTrue(scrape.contains("\njvm_memory_used_bytes{"), "the JVM's metrics too");
    }

    private int post(String path, String type, String body) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        server.baseUri().resolve(path)).header("Content-Type", type)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String get(String path) throws IOException, InterruptedException {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.baseUri().resolve(path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The value of the series {@code series} (name and labels as exported) in Prometheus text. */
    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in\n" + scrape);
    }

    @Test
    void servedCaCertificate_isTheCasOwn() throws CertificateException, IOException, InterruptedException {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                ca.settings().caCertificateUrl()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(ca.caCertificate(), Pem.certificate(response.body()));
    }
}
