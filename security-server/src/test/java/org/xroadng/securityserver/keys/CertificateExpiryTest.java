package org.xroadng.securityserver.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;

/** Which of the server's certificates are reported as expiring, and what the operator is told. */
class CertificateExpiryTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private final TestPki pki = TestPki.create(Clock.fixed(ISSUED, ZoneOffset.UTC));

    private ServerKeys.KeyInfo key(String id, ServerKeys.Role role, Duration validity) {
        X509Certificate certificate = pki.issue(id, role == ServerKeys.Role.AUTH ? CertificateKind.SERVER_AUTH
                : CertificateKind.MEMBER_SIGN, List.of(), null, validity).cert();
        return new ServerKeys.KeyInfo(id, role, role == ServerKeys.Role.AUTH ? SecurityServerId.parse("DEMO/GOV/1001/ss1")
                : MemberId.parse("DEMO/GOV/1001"), Optional.of(certificate));
    }

    @Test
    void dueSoon_onlyThoseWithin30DaysOrExpired_soonestFirst() {
        ServerKeys.KeyInfo auth = key("auth-1", ServerKeys.Role.AUTH, Duration.ofDays(40));
        ServerKeys.KeyInfo sign = key("sign-1", ServerKeys.Role.SIGN, Duration.ofDays(20));
        ServerKeys.KeyInfo uncertified = new ServerKeys.KeyInfo("sign-2", ServerKeys.Role.SIGN,
                MemberId.parse("DEMO/GOV/1002"), Optional.empty());
        List<ServerKeys.KeyInfo> keys = List.of(auth, sign, uncertified);

        assertEquals(List.of(), CertificateExpiry.dueSoon(keys, ISSUED.minus(Duration.ofDays(11))),
                "31 days before the first expiry: nothing yet");
        Instant now = ISSUED.plus(Duration.ofDays(11));
        List<CertificateExpiry> due = CertificateExpiry.dueSoon(keys, now);
        assertEquals(List.of("sign-1", "auth-1"), due.stream().map(CertificateExpiry::keyId).toList());
        assertEquals(9, due.get(0).daysLeft(now));
        assertEquals(sign.certificate().orElseThrow().getSerialNumber().toString(16), due.get(0).serial());

        String sentence = due.get(1).sentence(now);
        assertTrue(sentence.startsWith("the authentication certificate (key auth-1, serial ")
                && sentence.contains("expires on 2026-02-10T00:00:00Z, in 29 days")
                && sentence.endsWith("then register it (xroad server register)"), sentence);
        assertTrue(due.get(0).sentence(now).contains("in 9 days: renew it at the CA and import the new certificate"
                + " (xroad server import-cert)"), due.get(0).sentence(now));
    }

    @Test
    void lastDayAndAfter_saidSo() {
        ServerKeys.KeyInfo sign = key("sign-1", ServerKeys.Role.SIGN, Duration.ofDays(20));
        Instant lastHours = ISSUED.plus(Duration.ofDays(20)).minus(Duration.ofHours(3));
        assertTrue(CertificateExpiry.dueSoon(List.of(sign), lastHours).get(0).sentence(lastHours)
                .contains("in less than a day"));
        Instant oneDay = ISSUED.plus(Duration.ofDays(19)).minus(Duration.ofHours(1));
        assertTrue(CertificateExpiry.dueSoon(List.of(sign), oneDay).get(0).sentence(oneDay).contains("in 1 day:"));
        Instant after = ISSUED.plus(Duration.ofDays(21));
        CertificateExpiry expired = CertificateExpiry.dueSoon(List.of(sign), after).get(0);
        assertTrue(expired.expired(after));
        assertTrue(expired.sentence(after).contains("expired on 2026-01-21T00:00:00Z: renew it"), expired.sentence(after));
    }
}
