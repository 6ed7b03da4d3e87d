package org.xroadng.certs.ocsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class CarriedOcspCheckerTest {

    private static final Instant NOW = Instant.parse("2030-03-01T08:00:00Z");
    private static final Duration FRESHNESS = Duration.ofMinutes(20);

    private final MutableClock clock = new MutableClock(NOW);
    private final OcspFixture f = new OcspFixture(clock);
    private final OcspResponseVerifier verifier = new OcspResponseVerifier(f.pki.bc, FRESHNESS);
    private final X509Certificate ca = f.pki.ca.cert();

    /** A response as the signer would have fetched it: no nonce. */
    private byte[] carriedResponseFor(X509Certificate certificate) throws OcspException {
        return f.responder.respond(OcspRequests.build(certificate, ca, CertificateID.HASH_SHA1, Optional.empty()));
    }

    @Test
    void goodResponseForTheCertificate_yieldsGood() throws OcspException {
        byte[] response = carriedResponseFor(f.leaf.cert());

        OcspResult result = new CarriedOcspChecker(response, verifier, clock).check(f.leaf.cert(), ca);

        assertEquals(OcspResult.Status.GOOD, result.status());
        assertEquals(NOW, result.thisUpdate());
        assertArrayEquals(response, result.encoded());
    }

    @Test
    void revokedResponse_yieldsRevokedWithItsTime() throws OcspException {
        Instant revokedAt = NOW.minus(Duration.ofHours(3));
        f.source.revoke(f.leaf.cert(), revokedAt, 1);
        byte[] response = carriedResponseFor(f.leaf.cert());

        OcspResult result = new CarriedOcspChecker(response, verifier, clock).check(f.leaf.cert(), ca);

        assertEquals(OcspResult.Status.REVOKED, result.status());
        assertEquals(revokedAt, result.revocationTime());
    }

    @Test
    void responseOlderThanTheFreshness_isRefused() throws OcspException {
        CarriedOcspChecker checker = new CarriedOcspChecker(carriedResponseFor(f.leaf.cert()), verifier, clock);
        clock.advance(FRESHNESS.plusSeconds(1));

        OcspException e = assertThrows(OcspException.class, () -> checker.check(f.leaf.cert(), ca));

        assertTrue(e.getMessage().startsWith("freshness: expected thisUpdate no older than " + FRESHNESS),
                e.getMessage());
    }

    @Test
    void responseJustWithinTheFreshness_isAccepted() throws OcspException {
        CarriedOcspChecker checker = new CarriedOcspChecker(carriedResponseFor(f.leaf.cert()), verifier, clock);
        clock.advance(FRESHNESS);

        assertEquals(OcspResult.Status.GOOD, checker.check(f.leaf.cert(), ca).status());
    }

    @Test
    void responseForAnotherCertificate_isRefused() throws OcspException {
        TestPki.Issued another = f.pki.issue("Another Member", CertificateKind.MEMBER_SIGN, List.of(), null);
        f.source.issued(another.cert());
        byte[] responseForAnother = carriedResponseFor(another.cert());

        OcspException e = assertThrows(OcspException.class,
                () -> new CarriedOcspChecker(responseForAnother, verifier, clock).check(f.leaf.cert(), ca));

        assertTrue(e.getMessage().startsWith("certificate id: expected serial "
                + f.leaf.cert().getSerialNumber().toString(16)), e.getMessage());
    }

    @Test
    void successfulStatusWithoutResponseBytes_isRefused() {
        OcspException e = assertThrows(OcspException.class,
                () -> new CarriedOcspChecker(new byte[] {0x30, 0x03, 0x0a, 0x01, 0x00}, verifier, clock)
                        .check(f.leaf.cert(), ca));

        assertTrue(e.getMessage().startsWith("response"), e.getMessage());
    }

    @Test
    void callerChangingItsArrayAfterwards_doesNotChangeTheCarriedResponse() throws OcspException {
        byte[] response = carriedResponseFor(f.leaf.cert());
        CarriedOcspChecker checker = new CarriedOcspChecker(response, verifier, clock);
        response[response.length / 2] ^= 0x01;

        assertEquals(OcspResult.Status.GOOD, checker.check(f.leaf.cert(), ca).status());
    }
}
