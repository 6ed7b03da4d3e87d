package org.xroadng.certs.validation;

import java.security.cert.X509Certificate;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.XRoadId;

/**
 * A certificate that chains to an approved CA, fits its profile and had a fresh {@code good} OCSP
 * status.
 *
 * @param identity the member ({@code sign}) or security server ({@code auth}) it certifies
 * @param issuer   the certificate of the CA that issued it
 * @param ocsp     the OCSP answer that vouched for it, to be carried as evidence
 */
public record ValidatedCertificate(CertificateProfile profile, XRoadId identity, X509Certificate certificate,
                                   X509Certificate issuer, OcspResult ocsp) {
}
