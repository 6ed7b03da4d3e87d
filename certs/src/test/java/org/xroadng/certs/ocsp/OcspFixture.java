package org.xroadng.certs.ocsp;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

/** A CA, its delegated OCSP responder certificate, a leaf it issued and a responder answering for it. */
final class OcspFixture {

    static final Duration VALIDITY = Duration.ofHours(1);
    static final String OCSP_URL = "http://127.0.0.1:1/ocsp";

    final TestPki pki;
    final TestPki.Issued responderCert;
    final TestPki.Issued leaf;
    final InMemoryStatusSource source = new InMemoryStatusSource();
    final OcspResponder responder;

    OcspFixture(Clock clock) {
        this(clock, OCSP_URL);
    }

    OcspFixture(Clock clock, String ocspUrl) {
        pki = TestPki.create(clock);
        responderCert = pki.issue("OCSP Responder", CertificateKind.OCSP_RESPONDER, List.of(), null);
        leaf = pki.issue("Member Signing", CertificateKind.MEMBER_SIGN, List.of(), ocspUrl);
        source.issued(leaf.cert());
        responder = new OcspResponder(pki.ca.cert(), responderCert.cert(), responderCert.key(), source, clock,
                VALIDITY);
    }
}
