package org.xroadng.certs.ocsp;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;

/** Builds unsigned DER {@code OCSPRequest}s (RFC 6960 section 4.1.1). */
final class OcspRequests {

    private OcspRequests() {
    }

    /**
     * A request about one certificate, its CertID hashed with {@code hashAlgorithm}
     * ({@link CertificateID#HASH_SHA1} is what most responders expect), with a nonce extension
     * (section 4.4.1, RFC 8954) when {@code nonce} is present.
     */
    static byte[] build(X509Certificate certificate, X509Certificate issuer, AlgorithmIdentifier hashAlgorithm,
                        Optional<byte[]> nonce) throws OcspException {
        try {
            CertificateID id = new CertificateID(new BcDigestCalculatorProvider().get(hashAlgorithm),
                    new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
            OCSPReqBuilder builder = new OCSPReqBuilder().addRequest(id);
            if (nonce.isPresent()) {
                builder.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                        false, new DEROctetString(nonce.get()).getEncoded())));
            }
            return builder.build().getEncoded();
        } catch (OperatorCreationException | OCSPException | CertificateEncodingException | IOException e) {
            throw new OcspException("OCSP request for serial " + certificate.getSerialNumber().toString(16)
                    + " cannot be built: " + e.getMessage(), e);
        }
    }
}
