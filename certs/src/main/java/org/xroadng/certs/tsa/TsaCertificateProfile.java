package org.xroadng.certs.tsa;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.xroadng.certs.tsa.TimestampException.Check;

/**
 * RFC 3161 section 2.3: a TSA certificate has an extended key usage extension, marked critical,
 * whose only purpose is id-kp-timeStamping.
 */
final class TsaCertificateProfile {

    private static final String EKU = Extension.extendedKeyUsage.getId();
    private static final List<String> TIME_STAMPING_ONLY = List.of(KeyPurposeId.id_kp_timeStamping.getId());

    private TsaCertificateProfile() {
    }

    static void check(X509Certificate certificate) throws TimestampException {
        String subject = certificate.getSubjectX500Principal().getName();
        Set<String> critical = certificate.getCriticalExtensionOIDs();
        if (critical == null || !critical.contains(EKU)) {
            throw TimestampException.mismatch(Check.TSA_CERTIFICATE, "extended key usage of TSA certificate "
                    + subject + " (RFC 3161 section 2.3)", "critical", "absent or not critical");
        }
        List<String> purposes;
        try {
            purposes = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw TimestampException.failed(Check.TSA_CERTIFICATE, "extended key usage of TSA certificate "
                    + subject + " cannot be parsed: " + e.getMessage(), e);
        }
        if (!TIME_STAMPING_ONLY.equals(purposes)) {
            throw TimestampException.mismatch(Check.TSA_CERTIFICATE, "extended key usage of TSA certificate "
                    + subject + " (RFC 3161 section 2.3)", TIME_STAMPING_ONLY + " (id-kp-timeStamping only)",
                    purposes);
        }
    }
}
