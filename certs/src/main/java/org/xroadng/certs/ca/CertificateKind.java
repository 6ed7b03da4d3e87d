package org.xroadng.certs.ca;

import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * The kinds of certificate our CA makes, each with its fixed key usage, extended key usage and
 * basic constraints (DESIGN.md section 4).
 */
public enum CertificateKind {

    /** The self-signed root: CA:true, keyCertSign + cRLSign. */
    ROOT_CA(true, KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of(), false),
    /** Delegated OCSP responder (RFC 6960 section 4.2.2.2): id-kp-OCSPSigning, and id-pkix-ocsp-nocheck. */
    OCSP_RESPONDER(false, KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_OCSPSigning), false),
    /** Time-stamping authority (RFC 3161 section 2.3): the only EKU is id-kp-timeStamping, marked critical. */
    TSA(false, KeyUsage.digitalSignature, List.of(KeyPurposeId.id_kp_timeStamping), true),
    /** A member's signing certificate: nonRepudiation + digitalSignature. */
    MEMBER_SIGN(false, KeyUsage.digitalSignature | KeyUsage.nonRepudiation, List.of(), false),
    /** A security server's authentication certificate for TLS: serverAuth + clientAuth. */
    SERVER_AUTH(false, KeyUsage.digitalSignature,
            List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth), false),
    /** A registry's global configuration signing certificate. */
    CONFIGURATION_SIGN(false, KeyUsage.digitalSignature | KeyUsage.nonRepudiation, List.of(), false);

    private final boolean ca;
    private final int keyUsage;
    private final List<KeyPurposeId> extendedKeyUsage;
    private final boolean extendedKeyUsageCritical;

    CertificateKind(boolean ca, int keyUsage, List<KeyPurposeId> extendedKeyUsage, boolean ekuCritical) {
        this.ca = ca;
        this.keyUsage = keyUsage;
        this.extendedKeyUsage = extendedKeyUsage;
        this.extendedKeyUsageCritical = ekuCritical;
    }

    BasicConstraints basicConstraints() {
        return new BasicConstraints(ca);
    }

    KeyUsage keyUsage() {
        return new KeyUsage(keyUsage);
    }

    /** Null when the kind carries no extended key usage. */
    ExtendedKeyUsage extendedKeyUsage() {
        return extendedKeyUsage.isEmpty() ? null
                : new ExtendedKeyUsage(extendedKeyUsage.toArray(KeyPurposeId[]::new));
    }

    boolean extendedKeyUsageCritical() {
        return extendedKeyUsageCritical;
    }

    boolean isCa() {
        return ca;
    }
}
