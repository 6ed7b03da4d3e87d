package org.xroadng.securityserver.globalconf;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.Pem;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.securityserver.ExchangeException;

/**
 * Keeps the global configuration fresh for a security server: {@link #refresh()} runs on a
 * schedule (every 60 s by default); {@link #current} is what each message uses and refuses, with
 * the caller's error type, once the last good configuration has expired (DESIGN.md section 5).
 */
public final class GlobalConfHolder {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalConfHolder.class);

    private final ConfigurationClient client;
    private volatile TrustedConfiguration cached;

    public GlobalConfHolder(ConfigurationClient client) {
        this.client = client;
    }

    /** Downloads and verifies a newer configuration; on failure keeps the last good one and logs why. */
    public void refresh() {
        try {
            client.refresh();
        } catch (ConfigurationException e) {
            LOG.warn("global configuration not refreshed: {}", e.getMessage());
        }
    }

    /** The current configuration, or an {@link ExchangeException} of {@code expiredType} when there is none. */
    public TrustedConfiguration current(ErrorType expiredType) throws ExchangeException {
        GlobalConfiguration configuration;
        try {
            configuration = client.current();
        } catch (ConfigurationException e) {
            throw new ExchangeException(expiredType, "the global configuration is not valid: " + e.getMessage()
                    + "; exchanges stop until a fresh one is downloaded from the registry");
        }
        TrustedConfiguration trusted = cached;
        if (trusted == null || trusted.configuration() != configuration) {
            trusted = TrustedConfiguration.of(configuration, parse(configuration));
            cached = trusted;
        }
        return trusted;
    }

    private static List<X509Certificate> parse(GlobalConfiguration configuration) {
        List<X509Certificate> cas = new ArrayList<>();
        for (GlobalConfiguration.ApprovedCa ca : configuration.approvedCas()) {
            try {
                cas.add(Pem.certificate(Base64.getDecoder().decode(ca.certificate())));
            } catch (CertificateException | IllegalArgumentException e) {
                LOG.warn("approved CA {} in global configuration {} is unreadable and ignored: {}", ca.name(),
                        configuration.version(), e.getMessage());
            }
        }
        return cas;
    }
}
