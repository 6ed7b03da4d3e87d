package org.xroadng.securityserver.log.timestamp;

import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.Pem;
import org.xroadng.protocol.globalconf.GlobalConfiguration;

/**
 * What the timestamper takes from the global configuration (DESIGN.md section 5): the approved
 * TSAs in the order the registry lists them, each with the one certificate its tokens must be
 * signed by, and how long timestamping may fail before new messages are refused.
 *
 * @param tsas              in the order they are to be asked
 * @param acceptableFailure {@code acceptableTimestampFailureSeconds}
 */
public record TimestampingConfiguration(List<Tsa> tsas, Duration acceptableFailure) {

    private static final Logger LOG = LoggerFactory.getLogger(TimestampingConfiguration.class);

    /** An approved TSA: where it answers (RFC 3161 section 3.4) and its TSA certificate (section 2.3). */
    public record Tsa(URI url, X509Certificate certificate) {
        public Tsa {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    public TimestampingConfiguration {
        tsas = List.copyOf(tsas);
        Objects.requireNonNull(acceptableFailure, "acceptableFailure");
        if (acceptableFailure.isNegative()) {
            throw new IllegalArgumentException("acceptableTimestampFailureSeconds is " + acceptableFailure.toSeconds()
                    + "; allowed: 0 or more");
        }
    }

    /**
     * The TSAs and failure window of a global configuration. A listed TSA whose URL or certificate
     * cannot be read is left out and logged, as {@code GlobalConfHolder} does with approved CAs; the
     * others are still asked.
     */
    public static TimestampingConfiguration from(GlobalConfiguration configuration) {
        List<Tsa> tsas = new ArrayList<>();
        for (GlobalConfiguration.ApprovedTsa tsa : configuration.approvedTsas()) {
            try {
                tsas.add(new Tsa(URI.create(tsa.url()),
                        Pem.certificate(Base64.getDecoder().decode(tsa.certificate()))));
            } catch (CertificateException | IllegalArgumentException | NullPointerException e) {
                LOG.warn("approved TSA {} in global configuration {} is unreadable and not asked: {}", tsa.name(),
                        configuration.version(), e.getMessage());
            }
        }
        int seconds = configuration.settings().acceptableTimestampFailureSeconds();
        return new TimestampingConfiguration(tsas, Duration.ofSeconds(Math.max(0, seconds)));
    }
}
