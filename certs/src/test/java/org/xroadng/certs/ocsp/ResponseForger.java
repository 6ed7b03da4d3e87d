package org.xroadng.certs.ocsp;

import org.bouncycastle.operator.OperatorCreationException;
import java.io.IOException;
import org.bouncycastle.cert.ocsp.OCSPException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.xroadng.certs.internal.SigningKeyContentSigner;
import org.xroadng.protocol.jws.SigningKey;

/** Signs "good" OCSP responses with any key, to show what the verifier must refuse. */
final class ResponseForger {

    private ResponseForger() {
    }

    static byte[] good(X509Certificate certificate, X509Certificate issuer, Instant thisUpdate,
                       X509Certificate signer, SigningKey signerKey) throws CertificateEncodingException, IOException, OCSPException, OperatorCreationException {
        BcDigestCalculatorProvider digests = new BcDigestCalculatorProvider();
        CertificateID id = new CertificateID(digests.get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(new RespID(
                SubjectPublicKeyInfo.getInstance(signer.getPublicKey().getEncoded()),
                digests.get(CertificateID.HASH_SHA1)));
        builder.addResponse(id, CertificateStatus.GOOD, Date.from(thisUpdate), null, null);
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, builder.build(
                new SigningKeyContentSigner(signerKey), new X509CertificateHolder[] {new JcaX509CertificateHolder(signer)},
                Date.from(thisUpdate))).getEncoded();
    }
}
