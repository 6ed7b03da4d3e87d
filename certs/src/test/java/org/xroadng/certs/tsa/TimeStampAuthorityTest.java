package org.xroadng.certs.tsa;

import org.bouncycastle.tsp.TSPIOException;
import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import org.bouncycastle.tsp.TSPException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class TimeStampAuthorityTest {

    private static final byte[] DIGEST = TsaFixture.sha256(new byte[] {1, 2, 3});

    private final TsaFixture fixture = new TsaFixture();

    @Test
    void sha256Request_isGrantedWithClockTimeNonceAndDefaultPolicy() throws IOException, TSPException {
        TimeStampResponse response = respond(request(true, BigInteger.valueOf(42), null));

        assertEquals(PKIStatus.GRANTED, response.getStatus());
        TimeStampToken token = response.getTimeStampToken();
        assertEquals(TsaFixture.NOW, token.getTimeStampInfo().getGenTime().toInstant());
        assertEquals(BigInteger.valueOf(42), token.getTimeStampInfo().getNonce());
        assertEquals(TimeStampAuthority.DEFAULT_POLICY, token.getTimeStampInfo().getPolicy());
        assertEquals(1, token.getTimeStampInfo().getAccuracy().getSeconds().intValueExact());
    }

    @Test
    void requestNamingOurPolicy_isGranted() throws IOException, TSPException {
        TimeStampResponse response = respond(request(false, null, TimeStampAuthority.DEFAULT_POLICY));

        assertEquals(PKIStatus.GRANTED, response.getStatus());
        assertNull(response.getTimeStampToken().getTimeStampInfo().getNonce());
    }

    @Test
    void certReqTrue_tokenCarriesTsaCertificateAndChain() throws CertificateEncodingException, IOException, TSPException {
        TimeStampToken token = respond(request(true, null, null)).getTimeStampToken();

        Set<X509CertificateHolder> certs = new HashSet<>(token.getCertificates().getMatches(null));
        assertEquals(Set.of(new X509CertificateHolder(fixture.tsaIssued.cert().getEncoded()),
                new X509CertificateHolder(fixture.pki.ca.cert().getEncoded())), certs);
    }

    @Test
    void certReqFalse_tokenCarriesNoCertificates() throws IOException, TSPException {
        TimeStampToken token = respond(request(false, null, null)).getTimeStampToken();

        assertTrue(token.getCertificates().getMatches(null).isEmpty());
    }

    @Test
    void repeatedRequests_getDistinctSerialNumbers() throws IOException, TSPException {
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            serials.add(respond(request(false, null, null)).getTimeStampToken().getTimeStampInfo().getSerialNumber());
        }
        assertEquals(20, serials.size());
    }

    @Test
    void md5Imprint_isRejectedWithBadAlg() throws IOException, TSPException {
        TimeStampRequest md5 = new TimeStampRequestGenerator().generate(TSPAlgorithms.MD5, new byte[16]);

        TimeStampResponse response = respond(md5.getEncoded());

        assertRejected(response, PKIFailureInfo.badAlg);
        assertTrue(response.getStatusString().contains("only SHA-256"), response.getStatusString());
    }

    @Test
    void shortSha256Imprint_isRejectedWithBadDataFormat() throws IOException, TSPException {
        TimeStampRequest shortImprint = new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA256, new byte[20]);

        assertRejected(respond(shortImprint.getEncoded()), PKIFailureInfo.badDataFormat);
    }

    @Test
    void otherPolicy_isRejectedWithUnacceptedPolicy() throws IOException, TSPException {
        TimeStampResponse response = respond(request(true, null, new ASN1ObjectIdentifier("1.2.3.4")));

        assertRejected(response, PKIFailureInfo.unacceptedPolicy);
        assertTrue(response.getStatusString().contains("1.2.3.4"), response.getStatusString());
    }

    @Test
    void requestExtension_isRejectedWithUnacceptedExtension() throws IOException, TSPException, TSPIOException {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.addExtension(new ASN1ObjectIdentifier("1.2.3.5"), true, DERNull.INSTANCE);

        TimeStampResponse response = respond(generator.generate(TSPAlgorithms.SHA256, DIGEST).getEncoded());

        assertRejected(response, PKIFailureInfo.unacceptedExtension);
    }

    @Test
    void emptyAndGarbageAndTrailingBytes_areRejectedWithBadDataFormat() throws IOException, TSPException {
        byte[] valid = request(false, null, null);
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);

        assertRejected(respond(new byte[0]), PKIFailureInfo.badDataFormat);
        assertRejected(respond(new byte[] {0x30, (byte) 0x83, 1}), PKIFailureInfo.badDataFormat);
        assertRejected(respond(new byte[] {0x04, 0x00}), PKIFailureInfo.badDataFormat);
        assertRejected(respond(trailing), PKIFailureInfo.badDataFormat);
    }

    @Test
    void certificateWithoutTimeStampingEku_isRefusedAtConstruction() {
        TestPki.Issued member = fixture.pki.issue("Member", CertificateKind.MEMBER_SIGN, List.of(), null);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TimeStampAuthority(
                member.cert(), List.of(), member.key(), TsaFixture.CLOCK, fixture.pki.random));
        assertTrue(e.getMessage().contains("extended key usage"), e.getMessage());
    }

    @Test
    void keyNotMatchingCertificate_isRefusedAtConstruction() {
        TestPki.Issued other = fixture.pki.issue("Other TSA", CertificateKind.TSA, List.of(), null);

        assertThrows(IllegalArgumentException.class, () -> new TimeStampAuthority(fixture.tsaIssued.cert(),
                List.of(), other.key(), TsaFixture.CLOCK, fixture.pki.random));
    }

    private TimeStampResponse respond(byte[] request) throws IOException, TSPException {
        return new TimeStampResponse(fixture.tsa.respond(request));
    }

    private static byte[] request(boolean certReq, BigInteger nonce, ASN1ObjectIdentifier policy) throws IOException {
        TimeStampRequestGenerator generator = new TimeStampRequestGenerator();
        generator.setCertReq(certReq);
        if (policy != null) {
            generator.setReqPolicy(policy);
        }
        return generator.generate(TSPAlgorithms.SHA256, DIGEST, nonce).getEncoded();
    }

    private static void assertRejected(TimeStampResponse response, int failInfo) {
        assertEquals(PKIStatus.REJECTION, response.getStatus(), response.getStatusString());
        assertEquals(failInfo, response.getFailInfo().intValue(), response.getStatusString());
        assertNull(response.getTimeStampToken());
        assertNotEquals(null, response.getStatusString());
    }
}
