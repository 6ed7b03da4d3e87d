package org.xroadng.certs.csr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.xroadng.certs.internal.SigningKeyContentSigner;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/**
 * Makes PKCS#10 certification requests (RFC 2986) for a token key, signed by that key (proof of
 * possession), carrying the profile's subject alternative names in an extensionRequest attribute
 * (RFC 2985 section 5.4.2).
 */
public final class CsrBuilder {

    private CsrBuilder() {
    }

    /**
     * A request for a certificate of {@code profile} naming {@code identity}.
     *
     * @param hostNames DNS names or IP addresses of a security server (auth profile); must be empty for sign
     */
    public static PKCS10CertificationRequest build(SigningKey key, CertificateProfile profile, XRoadId identity,
                                                   List<GeneralName> hostNames) throws SigningException {
        if (profile == CertificateProfile.SIGN && !hostNames.isEmpty()) {
            throw new IllegalArgumentException("a sign certificate carries no DNS names or IP addresses");
        }
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, profile.uriFor(identity)));
        sans.addAll(hostNames);
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            Extensions requested = extensions.generate();
            PKCS10CertificationRequestBuilder builder = new PKCS10CertificationRequestBuilder(
                    subjectFor(identity), SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded()));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested);
            return builder.build(new SigningKeyContentSigner(key));
        } catch (IOException e) {
            throw new IllegalStateException("subject alternative names cannot be encoded", e);
        } catch (RuntimeOperatorException e) {
            if (e.getCause() instanceof SigningException signing) {
                throw signing;
            }
            throw e;
        }
    }

    /** The subject distinguished name our CA gives an identity: {@code CN=<identifier>, O=<instance>}. */
    public static X500Name subjectFor(XRoadId identity) {
        return new X500Name(new RDN[] {
                rdn(BCStyle.O, identity.instance()),
                rdn(BCStyle.CN, identity.format())});
    }

    private static RDN rdn(ASN1ObjectIdentifier type, String value) {
        return new RDN(type, new DERUTF8String(value));
    }
}
