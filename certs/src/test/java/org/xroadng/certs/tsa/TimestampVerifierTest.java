package org.xroadng.certs.tsa;

import java.io.IOException;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.tsp.TSPException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.tsa.TimestampException.Check;

class TimestampVerifierTest {

    private static final byte[] DIGEST = TsaFixture.sha256(new byte[] {4, 5, 6});

    private final TsaFixture fixture = new TsaFixture();
    private final TimestampVerifier verifier = new TimestampVerifier(fixture.pki.bc);

    @Test
    void tokenOfTrustedTsa_verifiesWithGenTimeAndSerial() throws IOException, TSPException, TimestampException {
        TimeStampToken token = token(fixture.tsa);

        VerifiedTimestamp verified = verifier.verify(token.getEncoded(), DIGEST, fixture.tsaIssued.cert());

        assertEquals(TsaFixture.NOW, verified.genTime());
        assertEquals(token.getTimeStampInfo().getSerialNumber(), verified.serialNumber());
    }

    @Test
    void otherDigest_isImprintMismatchNamingBoth() {
        byte[] other = TsaFixture.sha256(new byte[] {7});

        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(token(fixture.tsa), other, fixture.tsaIssued.cert()));

        assertEquals(Check.IMPRINT, e.check());
        assertEquals(java.util.HexFormat.of().formatHex(other), e.expected().orElseThrow());
        assertEquals(java.util.HexFormat.of().formatHex(DIGEST), e.actual().orElseThrow());
    }

    @Test
    void tokenOfAnotherTsa_isSignerMismatch() {
        TestPki.Issued other = fixture.pki.issue("Other TSA", CertificateKind.TSA, List.of(), null);
        TimeStampAuthority otherTsa = new TimeStampAuthority(other.cert(), List.of(), other.key(), TsaFixture.CLOCK,
                fixture.pki.random);

        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(token(otherTsa), DIGEST, fixture.tsaIssued.cert()));

        assertEquals(Check.SIGNER, e.check());
    }

    @Test
    void flippedSignatureByte_isSignatureFailure() throws CMSException, IOException, TSPException {
        byte[] tampered = Tampering.flipLastSignatureByte(token(fixture.tsa).getEncoded());

        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(tampered, DIGEST, fixture.tsaIssued.cert()));

        assertEquals(Check.SIGNATURE, e.check());
    }

    @Test
    void trustedCertificateWithoutTimeStampingEku_isRefused() {
        TestPki.Issued member = fixture.pki.issue("Member", CertificateKind.MEMBER_SIGN, List.of(), null);

        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(token(fixture.tsa), DIGEST, member.cert()));

        assertEquals(Check.TSA_CERTIFICATE, e.check());
    }

    @Test
    void genTimeAfterTsaCertificateExpired_isRefused() {
        Clock late = Clock.fixed(TsaFixture.NOW.plus(Duration.ofDays(400)), ZoneOffset.UTC);
        TimeStampAuthority lateTsa = new TimeStampAuthority(fixture.tsaIssued.cert(), List.of(),
                fixture.tsaIssued.key(), late, fixture.pki.random);

        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(token(lateTsa), DIGEST, fixture.tsaIssued.cert()));

        assertEquals(Check.GEN_TIME, e.check());
    }

    @Test
    void garbageBytes_areMalformed() {
        TimestampException e = assertThrows(TimestampException.class,
                () -> verifier.verify(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, DIGEST, fixture.tsaIssued.cert()));

        assertEquals(Check.MALFORMED, e.check());
    }

    private static TimeStampToken token(TimeStampAuthority tsa) throws IOException, TSPException {
        byte[] request = new TimeStampRequestGenerator().generate(TSPAlgorithms.SHA256, DIGEST, BigInteger.TEN)
                .getEncoded();
        return new TimeStampResponse(tsa.respond(request)).getTimeStampToken();
    }
}
