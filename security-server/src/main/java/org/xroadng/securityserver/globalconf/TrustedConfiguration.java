package org.xroadng.securityserver.globalconf;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.globalconf.GlobalConfiguration;

/**
 * A verified, unexpired global configuration with its approved CA certificates already parsed, as
 * the proxies use it for one message.
 */
public record TrustedConfiguration(GlobalConfiguration configuration, List<X509Certificate> approvedCas) {

    public TrustedConfiguration {
        approvedCas = List.copyOf(approvedCas);
    }

    public Duration ocspFreshness() {
        return Duration.ofSeconds(configuration.settings().ocspFreshnessSeconds());
    }

    /** The approved CA that issued {@code certificate} (by name, then signature), if any. */
    public Optional<X509Certificate> issuerOf(X509Certificate certificate) {
        for (X509Certificate ca : approvedCas) {
            if (ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                try {
                    certificate.verify(ca.getPublicKey());
                    return Optional.of(ca);
                } catch (java.security.GeneralSecurityException e) {
                    // Same name, other key: keep looking.
                }
            }
        }
        return Optional.empty();
    }
}
