package org.xroadng.certs.ca;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x509.GeneralName;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.XRoadId;

/**
 * What an operator asks the CA for: a certificate of {@code profile} for {@code identity}, for the
 * key in {@code csr} (PEM or DER PKCS#10).
 *
 * @param hostNames extra DNS names or IP addresses for an auth certificate; may be empty
 * @param validity  null for the CA's default
 */
public record IssueRequest(byte[] csr, CertificateProfile profile, XRoadId identity, List<GeneralName> hostNames,
                           Duration validity) {

    public IssueRequest {
        Objects.requireNonNull(csr, "csr");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(identity, "identity");
        hostNames = List.copyOf(hostNames);
        csr = csr.clone();
    }
}
