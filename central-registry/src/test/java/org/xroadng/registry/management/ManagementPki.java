package org.xroadng.registry.management;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ocsp.CertificateStatusSource;
import org.xroadng.certs.ocsp.OcspResponder;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.JwsSigner;

/**
 * A CA made in the test with a delegated OCSP responder answering from an in-memory status table,
 * a clock the test moves, and helpers to issue member signing and server auth certificates and to
 * fetch their OCSP responses as a security server would (no nonce).
 */
final class ManagementPki {

    static final Duration OCSP_VALIDITY = Duration.ofHours(2);

    final MutableClock clock;
    final TestPki pki;
    private final Map<BigInteger, CertificateStatusSource.IssuedStatus> statuses = new ConcurrentHashMap<>();
    private final OcspResponder responder;

    ManagementPki(MutableClock clock, String caName) {
        this.clock = clock;
        this.pki = TestPki.create(clock, caName);
        TestPki.Issued responderCert = pki.issue(caName + " OCSP", CertificateKind.OCSP_RESPONDER, List.of(), null);
        this.responder = new OcspResponder(pki.ca.cert(), responderCert.cert(), responderCert.key(),
                serial -> Optional.ofNullable(statuses.get(serial)), clock, OCSP_VALIDITY);
    }

    X509Certificate ca() {
        return pki.ca.cert();
    }

    TestPki.Issued member(MemberId member) {
        return issued(pki.issue("sign " + member, CertificateKind.MEMBER_SIGN,
                List.of(uri("urn:xroad:member:" + member.format())), null));
    }

    TestPki.Issued server(SecurityServerId server) {
        return issued(pki.issue("auth " + server, CertificateKind.SERVER_AUTH,
                List.of(uri("urn:xroad:server:" + server.format()), new GeneralName(GeneralName.dNSName,
                        server.serverCode() + ".example.org")), null));
    }

    void revoke(X509Certificate certificate, Instant at) {
        statuses.put(certificate.getSerialNumber(), CertificateStatusSource.IssuedStatus.revoked(at, 1));
    }

    /** The responder's DER answer about {@code certificate} now, by the clock. */
    byte[] ocsp(X509Certificate certificate) {
        try {
            CertificateID id = new CertificateID(
                    new JcaDigestCalculatorProviderBuilder().setProvider(pki.bc).build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(pki.ca.cert()), certificate.getSerialNumber());
            return responder.respond(new OCSPReqBuilder().addRequest(id).build().getEncoded());
        } catch (OperatorCreationException | OCSPException | CertificateEncodingException e) {
            throw new IllegalStateException("OCSP request cannot be built", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JwsSigner signer(TestPki.Issued issued) {
        return new JwsSigner(issued.key(), List.of(issued.cert()));
    }

    static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestPki.Issued issued(TestPki.Issued issued) {
        statuses.put(issued.cert().getSerialNumber(), CertificateStatusSource.IssuedStatus.good());
        return issued;
    }

    private static GeneralName uri(String uri) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
    }

}
