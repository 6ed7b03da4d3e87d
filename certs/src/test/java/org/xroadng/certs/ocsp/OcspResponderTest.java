package org.xroadng.certs.ocsp;

import org.bouncycastle.operator.OperatorCreationException;
import java.security.cert.CertificateEncodingException;
import java.io.IOException;
import org.bouncycastle.cert.ocsp.OCSPException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class OcspResponderTest {

    private static final Instant NOW = Instant.parse("2030-01-15T10:00:00.750Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final OcspFixture f = new OcspFixture(clock);
    private final OcspResponseVerifier verifier = new OcspResponseVerifier(f.pki.bc, Duration.ofHours(1));

    private OcspResult ask(X509Certificate cert, X509Certificate issuer) throws OcspException {
        byte[] request = OcspRequests.build(cert, issuer, CertificateID.HASH_SHA1, Optional.empty());
        return verifier.verify(f.responder.respond(request), cert, issuer, clock.instant(), Optional.empty());
    }

    @Test
    void issuedCertificate_isGoodWithSecondPrecisionTimes() throws OcspException {
        OcspResult result = ask(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(OcspResult.Status.GOOD, result.status());
        assertEquals(Instant.parse("2030-01-15T10:00:00Z"), result.thisUpdate());
        assertEquals(Instant.parse("2030-01-15T11:00:00Z"), result.nextUpdate());
        assertNull(result.revocationTime());
    }

    @Test
    void revokedCertificate_isRevokedWithTimeAndReason() throws IOException, OCSPException, OcspException {
        Instant revokedAt = Instant.parse("2030-01-14T08:30:00Z");
        f.source.revoke(f.leaf.cert(), revokedAt, CRLReason.keyCompromise);

        OcspResult result = ask(f.leaf.cert(), f.pki.ca.cert());

        assertEquals(OcspResult.Status.REVOKED, result.status());
        assertEquals(revokedAt, result.revocationTime());
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(result.encoded()).getResponseObject();
        RevokedStatus status = (RevokedStatus) basic.getResponses()[0].getCertStatus();
        assertEquals(CRLReason.keyCompromise, status.getRevocationReason());
    }

    @Test
    void serialUnknownToSource_isUnknown() throws OcspException {
        TestPki.Issued stranger = f.pki.issue("Never Recorded", CertificateKind.MEMBER_SIGN, List.of(), null);

        assertEquals(OcspResult.Status.UNKNOWN, ask(stranger.cert(), f.pki.ca.cert()).status());
    }

    @Test
    void certificateOfAnotherCa_isUnknownEvenWhenSerialIsKnown() throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        TestPki other = TestPki.create(clock, "Other Root CA");
        // The other CA's name and key hashes, with a serial our source does know.
        CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(other.ca.cert()), f.leaf.cert().getSerialNumber());
        byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();

        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(f.responder.respond(request)).getResponseObject();

        assertTrue(basic.getResponses()[0].getCertStatus() instanceof UnknownStatus);
        assertEquals(id, basic.getResponses()[0].getCertID());
    }

    @Test
    void sha256CertId_isRecognised() throws OcspException {
        byte[] request = OcspRequests.build(f.leaf.cert(), f.pki.ca.cert(),
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), Optional.empty());

        OcspResult result = verifier.verify(f.responder.respond(request), f.leaf.cert(), f.pki.ca.cert(),
                clock.instant(), Optional.empty());

        assertEquals(OcspResult.Status.GOOD, result.status());
    }

    @Test
    void requestWithNonce_getsTheSameNonceBack() throws OcspException {
        byte[] nonce = new BigInteger("0123456789abcdef0123456789abcdef", 16).toByteArray();
        byte[] request = OcspRequests.build(f.leaf.cert(), f.pki.ca.cert(), CertificateID.HASH_SHA1,
                Optional.of(nonce));

        OcspResult result = verifier.verify(f.responder.respond(request), f.leaf.cert(), f.pki.ca.cert(),
                clock.instant(), Optional.of(nonce));

        assertEquals(OcspResult.Status.GOOD, result.status());
    }

    @Test
    void garbage_isAnsweredMalformedRequest() throws IOException {
        assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, statusOf(f.responder.respond(new byte[] {1, 2, 3})));
        assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, statusOf(f.responder.respond(new byte[0])));
    }

    @Test
    void tooManySingleRequests_isAnsweredMalformedRequest() throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(f.pki.ca.cert()), f.leaf.cert().getSerialNumber());
        OCSPReqBuilder builder = new OCSPReqBuilder();
        for (int i = 0; i <= OcspResponder.MAX_SINGLE_REQUESTS; i++) {
            builder.addRequest(id);
        }

        assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, statusOf(f.responder.respond(builder.build().getEncoded())));
    }

    @Test
    void oversizedNonce_isAnsweredMalformedRequest() throws IOException, OcspException {
        byte[] request = OcspRequests.build(f.leaf.cert(), f.pki.ca.cert(), CertificateID.HASH_SHA1,
                Optional.of(new byte[33]));

        assertEquals(OCSPResponseStatus.MALFORMED_REQUEST, statusOf(f.responder.respond(request)));
    }

    @Test
    void failingSource_isAnsweredInternalError() throws IOException, OcspException {
        OcspResponder broken = new OcspResponder(f.pki.ca.cert(), f.responderCert.cert(), f.responderCert.key(),
                serial -> {
                    throw new IllegalStateException("database down");
                }, clock, Duration.ofHours(1));
        byte[] request = OcspRequests.build(f.leaf.cert(), f.pki.ca.cert(), CertificateID.HASH_SHA1, Optional.empty());

        assertEquals(OCSPResponseStatus.INTERNAL_ERROR, statusOf(broken.respond(request)));
    }

    @Test
    void responderCertificateWithoutOcspSigning_isRefusedAtConstruction() {
        TestPki.Issued plain = f.pki.issue("Not A Responder", CertificateKind.MEMBER_SIGN, List.of(), null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OcspResponder(
                f.pki.ca.cert(), plain.cert(), plain.key(), f.source, clock, Duration.ofHours(1)));
        assertTrue(e.getMessage().contains("id-kp-OCSPSigning"), e.getMessage());
    }

    private static int statusOf(byte[] response) throws IOException {
        return new OCSPResp(response).getStatus();
    }

    @Test
    void response_namesResponderByKeyHashAndCarriesItsCertificate() throws CertificateEncodingException, IOException, OCSPException, OcspException {
        byte[] request = OcspRequests.build(f.leaf.cert(), f.pki.ca.cert(), CertificateID.HASH_SHA1, Optional.empty());
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(f.responder.respond(request)).getResponseObject();

        assertEquals(1, basic.getCerts().length);
        assertArrayEquals(f.responderCert.cert().getEncoded(), basic.getCerts()[0].getEncoded());
        assertNull(basic.getResponderId().toASN1Primitive().getName());
    }
}
