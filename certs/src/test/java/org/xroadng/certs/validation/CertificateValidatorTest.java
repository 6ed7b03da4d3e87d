package org.xroadng.certs.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.certs.ocsp.RevocationChecker;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.CertificateValidationException.Reason;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;

class CertificateValidatorTest {

    private final TestPki pki = TestPki.create(Clock.systemUTC());
    private final Instant now = pki.clock.instant();

    private static final GeneralName MEMBER_URI =
            new GeneralName(GeneralName.uniformResourceIdentifier, "urn:xroad:member:DEMO/GOV/1001");
    private static final GeneralName SERVER_URI =
            new GeneralName(GeneralName.uniformResourceIdentifier, "urn:xroad:server:DEMO/GOV/1001/ss1");
    private static final GeneralName LOCALHOST = new GeneralName(GeneralName.dNSName, "localhost");

    private static RevocationChecker answering(OcspResult.Status status) {
        return (cert, issuer) -> new OcspResult(status, Instant.parse("2026-06-01T00:00:00Z"), null,
                status == OcspResult.Status.REVOKED ? Instant.parse("2026-01-01T00:00:00Z") : null, new byte[] {1});
    }

    private CertificateValidationException refused(RevocationChecker revocation, TestPki.Issued subject,
                                                   Instant at, CertificateProfile profile) {
        return assertThrows(CertificateValidationException.class, () -> new CertificateValidator(revocation)
                .validate(List.of(subject.cert()), List.of(pki.ca.cert()), at, profile));
    }

    @Test
    void goodSignCertificate_yieldsItsMember() throws CertificateValidationException {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null);

        ValidatedCertificate valid = new CertificateValidator(answering(OcspResult.Status.GOOD))
                .validate(List.of(member.cert()), List.of(pki.ca.cert()), now, CertificateProfile.SIGN);

        assertEquals(MemberId.parse("DEMO/GOV/1001"), valid.identity());
        assertEquals(pki.ca.cert(), valid.issuer());
    }

    @Test
    void goodAuthCertificate_yieldsItsServer() throws CertificateValidationException {
        TestPki.Issued server = pki.issue("s", CertificateKind.SERVER_AUTH, List.of(SERVER_URI, LOCALHOST), null);

        ValidatedCertificate valid = new CertificateValidator(answering(OcspResult.Status.GOOD))
                .validate(List.of(server.cert()), List.of(pki.ca.cert()), now, CertificateProfile.AUTH);

        assertEquals(SecurityServerId.parse("DEMO/GOV/1001/ss1"), valid.identity());
    }

    @Test
    void expiredCertificate_isRefused() {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null, Duration.ofDays(1));
        CertificateValidationException e = refused(answering(OcspResult.Status.GOOD), member,
                now.plus(Duration.ofDays(2)), CertificateProfile.SIGN);
        assertEquals(Reason.EXPIRED, e.reason());
        assertTrue(e.getMessage().contains("expired at"), e.getMessage());
    }

    @Test
    void certificateFromUnapprovedCa_isRefused() {
        TestPki other = TestPki.create(Clock.systemUTC(), "Rogue CA");
        TestPki.Issued member = other.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null);
        CertificateValidationException e = refused(answering(OcspResult.Status.GOOD), member, now, CertificateProfile.SIGN);
        assertEquals(Reason.UNTRUSTED_CHAIN, e.reason());
        assertTrue(e.getMessage().contains("Rogue CA"), e.getMessage());
    }

    @Test
    void signCertificateUsedForAuth_isRefused() {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null);
        CertificateValidationException e = refused(answering(OcspResult.Status.GOOD), member, now, CertificateProfile.AUTH);
        assertEquals(Reason.PROFILE, e.reason());
    }

    @Test
    void certificateWithoutXRoadName_isRefused() {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(), null);
        CertificateValidationException e = refused(answering(OcspResult.Status.GOOD), member, now, CertificateProfile.SIGN);
        assertEquals(Reason.PROFILE, e.reason());
        assertTrue(e.getMessage().contains("expected exactly one urn:xroad:member:"), e.getMessage());
    }

    @Test
    void revokedCertificate_isRefusedWithItsRevocationTime() {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null);
        CertificateValidationException e = refused(answering(OcspResult.Status.REVOKED), member, now,
                CertificateProfile.SIGN);
        assertEquals(Reason.REVOKED, e.reason());
        assertTrue(e.getMessage().contains("revoked at 2026-01-01T00:00:00Z"), e.getMessage());
    }

    @Test
    void unknownOrUnavailableStatus_isRefused() {
        TestPki.Issued member = pki.issue("m", CertificateKind.MEMBER_SIGN, List.of(MEMBER_URI), null);
        assertEquals(Reason.STATUS_UNKNOWN,
                refused(answering(OcspResult.Status.UNKNOWN), member, now, CertificateProfile.SIGN).reason());
        RevocationChecker down = (cert, issuer) -> {
            throw new OcspException("OCSP responder http://127.0.0.1:1/ocsp is unreachable");
        };
        CertificateValidationException e = refused(down, member, now, CertificateProfile.SIGN);
        assertEquals(Reason.STATUS_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    }
}
