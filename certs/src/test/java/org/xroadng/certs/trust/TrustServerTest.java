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
    void servedCaCertificate_isTheCasOwn() throws CertificateException, IOException, InterruptedException {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                ca.settings().caCertificateUrl()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(ca.caCertificate(), Pem.certificate(response.body()));
    }
}
