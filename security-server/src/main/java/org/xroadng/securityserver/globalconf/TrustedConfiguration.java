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
public record TrustedConfiguration(GlobalConfiguration configuration, List<X509Certificate> approvedCas,
                                   String peerTrustFingerprint) {

    public TrustedConfiguration {
        approvedCas = List.copyOf(approvedCas);
    }

    /** The configuration with its fingerprint of peer trust computed once. */
    public static TrustedConfiguration of(GlobalConfiguration configuration, List<X509Certificate> approvedCas) {
        return new TrustedConfiguration(configuration, approvedCas, fingerprint(configuration));
    }

    /**
     * A fingerprint of everything that decides which peers are trusted (servers, their addresses
     * and auth certificates, approved CAs). Connections made under another fingerprint must not be
     * reused: a peer may have been removed meanwhile.
     */
    private static String fingerprint(GlobalConfiguration configuration) {
        StringBuilder text = new StringBuilder();
        configuration.securityServers().stream()
                .map(s -> s.id().format() + "|" + s.address() + "|" + String.join(",", s.authCertificateHashes()))
                .sorted().forEach(line -> text.append(line).append('\n'));
        configuration.approvedCas().stream().map(GlobalConfiguration.ApprovedCa::certificate).sorted()
                .forEach(line -> text.append(line).append('\n'));
        return org.xroadng.securityserver.message.MessageHashes.sha256(text.toString());
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
