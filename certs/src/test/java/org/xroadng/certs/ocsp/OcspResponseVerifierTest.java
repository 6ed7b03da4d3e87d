package org.xroadng.certs.ocsp;

import org.bouncycastle.operator.OperatorCreationException;
import java.security.cert.CertificateEncodingException;
import java.io.IOException;
import org.bouncycastle.cert.ocsp.OCSPException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class OcspResponseVerifierTest {

    private static final Instant NOW = Instant.parse("2030-01-15T10:00:00Z");
    private static final Duration FRESHNESS = Duration.ofMinutes(30);

    private final MutableClock clock = new MutableClock(NOW);
    private final OcspFixture f = new OcspFixture(clock);
    private final OcspResponseVerifier verifier = new OcspResponseVerifier(f.pki.bc, FRESHNESS);
    private final X509Certificate ca = f.pki.ca.cert();

    private byte[] responseFor(X509Certificate certificate, Optional<byte[]> nonce) throws OcspException {
        return f.responder.respond(OcspRequests.build(certificate, ca, CertificateID.HASH_SHA1, nonce));
    }

    private String refusal(byte[] response, X509Certificate certificate, Instant at, Optional<byte[]> nonce) {
        return assertThrows(OcspException.class, () -> verifier.verify(response, certificate, ca, at, nonce))
                .getMessage();
    }

    @Test
    void responseSignedByTheIssuerItself_isAccepted() throws OcspException {
        OcspResponder byCa = new OcspResponder(ca, ca, f.pki.ca.key(), f.source, clock, Duration.ofHours(1));
        byte[] response = byCa.respond(OcspRequests.build(f.leaf.cert(), ca, CertificateID.HASH_SHA1,
                Optional.empty()));

        assertEquals(OcspResult.Status.GOOD,
                verifier.verify(response, f.leaf.cert(), ca, NOW, Optional.empty()).status());
    }

    @Test
    void responderCertificateOfAnotherCa_isRefused() throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        TestPki other = TestPki.create(clock, "Other Root CA");
        TestPki.Issued foreignResponder = other.issue("Foreign OCSP", CertificateKind.OCSP_RESPONDER, List.of(), null);
        byte[] response = ResponseForger.good(f.leaf.cert(), ca, NOW, foreignResponder.cert(), foreignResponder.key());

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.startsWith("delegated responder CN=Foreign OCSP: expected a certificate issued and signed"
                + " by CN=Test Root CA; actual issuer CN=Other Root CA"), message);
    }

    @Test
    void responderCertificateWithoutOcspSigningEku_isRefused() throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        TestPki.Issued plain = f.pki.issue("Plain Member", CertificateKind.MEMBER_SIGN, List.of(), null);
        byte[] response = ResponseForger.good(f.leaf.cert(), ca, NOW, plain.cert(), plain.key());

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.contains("expected extended key usage id-kp-OCSPSigning; actual no extended key usage"),
                message);
    }

    @Test
    void expiredResponderCertificate_isRefused() throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        TestPki.Issued shortLived = f.pki.issue("Short OCSP", CertificateKind.OCSP_RESPONDER, List.of(), null,
                Duration.ofHours(1));
        Instant later = NOW.plus(Duration.ofHours(2));
        byte[] response = ResponseForger.good(f.leaf.cert(), ca, later, shortLived.cert(), shortLived.key());

        String message = refusal(response, f.leaf.cert(), later, Optional.empty());

        assertTrue(message.contains("expected valid at " + later), message);
    }

    @Test
    void staleResponse_isRefused() throws OcspException {
        byte[] response = responseFor(f.leaf.cert(), Optional.empty());

        String message = refusal(response, f.leaf.cert(), NOW.plus(FRESHNESS).plusSeconds(1), Optional.empty());

        assertTrue(message.startsWith("freshness: expected thisUpdate no older than PT30M"), message);
        assertTrue(message.contains("actual thisUpdate " + NOW + " is stale"), message);
    }

    @Test
    void responseWithPassedNextUpdate_isRefused() throws OcspException {
        byte[] response = responseFor(f.leaf.cert(), Optional.empty());
        OcspResponseVerifier lenient = new OcspResponseVerifier(f.pki.bc, Duration.ofDays(1));
        Instant later = NOW.plus(OcspFixture.VALIDITY).plusSeconds(1);

        OcspException e = assertThrows(OcspException.class,
                () -> lenient.verify(response, f.leaf.cert(), ca, later, Optional.empty()));

        assertTrue(e.getMessage().startsWith("nextUpdate: expected not before now " + later
                + "; actual nextUpdate " + NOW.plus(OcspFixture.VALIDITY) + " has passed"), e.getMessage());
    }

    @Test
    void thisUpdateBeyondClockSkew_isRefused() throws OcspException {
        clock.advance(Duration.ofMinutes(2));
        byte[] response = responseFor(f.leaf.cert(), Optional.empty());

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.startsWith("thisUpdate: expected no later than"), message);
    }

    @Test
    void responseForAnotherCertificate_isRefused() throws OcspException {
        TestPki.Issued another = f.pki.issue("Another Member", CertificateKind.MEMBER_SIGN, List.of(), null);
        byte[] response = responseFor(another.cert(), Optional.empty());

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.startsWith("certificate id: expected serial "
                + f.leaf.cert().getSerialNumber().toString(16)), message);
        assertTrue(message.contains("actual response is about [serial "
                + another.cert().getSerialNumber().toString(16) + "]"), message);
    }

    @Test
    void tamperedResponse_isRefused() throws OcspException {
        byte[] response = responseFor(f.leaf.cert(), Optional.empty());
        byte[] serial = f.leaf.cert().getSerialNumber().toByteArray();
        int at = indexOf(response, serial);
        response[at + serial.length - 1] ^= 1;

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.startsWith("signature: expected a valid"), message);
        assertTrue(message.endsWith("by CN=OCSP Responder; actual signature does not verify"), message);
    }

    @Test
    void nonceMismatch_isRefused() throws OcspException {
        byte[] sent = new BigInteger("0a0b0c0d", 16).toByteArray();
        byte[] response = responseFor(f.leaf.cert(), Optional.of(sent));

        String message = refusal(response, f.leaf.cert(), NOW, Optional.of(new byte[] {1, 2, 3, 4}));

        assertEquals("nonce: expected 01020304; actual 0a0b0c0d", message);
    }

    @Test
    void missingNonce_isRefusedWhenOneIsExpected() throws OcspException {
        byte[] response = responseFor(f.leaf.cert(), Optional.empty());

        String message = refusal(response, f.leaf.cert(), NOW, Optional.of(new byte[] {1, 2, 3, 4}));

        assertEquals("nonce: expected 01020304; actual response carries no nonce", message);
    }

    @Test
    void errorStatus_isRefusedWithItsName() {
        byte[] response = OcspResponses.statusOnly(OCSPResponseStatus.MALFORMED_REQUEST);

        String message = refusal(response, f.leaf.cert(), NOW, Optional.empty());

        assertEquals("response status: expected successful; actual malformedRequest", message);
    }

    @Test
    void successfulStatusWithoutResponseBytes_isRefused() {
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful(0) }, no responseBytes
        byte[] statusOnly = {0x30, 0x03, 0x0a, 0x01, 0x00};

        String message = refusal(statusOnly, f.leaf.cert(), NOW, Optional.empty());

        assertEquals("response body: expected responseBytes with a BasicOCSPResponse; actual none", message);
    }

    @Test
    void bytesThatAreNoOcspResponse_areRefused() {
        String message = refusal(new byte[] {0x30, 0x03, 1, 2, 3}, f.leaf.cert(), NOW, Optional.empty());

        assertTrue(message.startsWith("response encoding: expected a DER OCSPResponse"), message);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("serial not found in the response");
    }
}
