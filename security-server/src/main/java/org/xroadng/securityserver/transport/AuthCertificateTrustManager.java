package org.xroadng.securityserver.transport;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.xroadng.certs.ocsp.RevocationChecker;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * Decides which peers a security server talks TLS with (DESIGN.md section 6): the peer's
 * certificate must be an authentication certificate chaining to an approved CA, with a fresh
 * {@code good} OCSP status, registered in the global configuration for the security server its
 * SAN names. As a client, the server it reached must also be the one registered at the address it
 * dialled. Anything else fails the handshake, so no request is ever sent to, or accepted from, an
 * unregistered server.
 *
 * <p>Runs as a delegated TLS task, off the event loop, because the OCSP check may go to the network
 * (answers are cached). Host names are not checked: servers are identified by their registered
 * certificates, not by DNS.
 */
public final class AuthCertificateTrustManager extends X509ExtendedTrustManager {

    private final GlobalConfHolder globalConf;
    private final CertificateValidator validator;
    private final Clock clock;

    public AuthCertificateTrustManager(GlobalConfHolder globalConf, RevocationChecker revocation, Clock clock) {
        this.globalConf = globalConf;
        this.validator = new CertificateValidator(revocation);
        this.clock = clock;
    }

    /** SHA-256 of a certificate's DER, lower-case hex: how the global configuration names auth certificates. */
    public static String hash(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash certificate", e);
        }
    }

    /** The registered server a validated peer certificate belongs to. */
    GlobalConfiguration.SecurityServer registeredServer(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new PeerRefusedException(PeerRefusedException.Reason.NO_CERTIFICATE, "the peer presented no certificate");
        }
        TrustedConfiguration trusted;
        try {
            trusted = globalConf.current(ErrorType.SERVER_PROXY_OUTDATED_GLOBAL_CONF);
        } catch (ExchangeException e) {
            throw new PeerRefusedException(PeerRefusedException.Reason.NO_CONFIGURATION, e.getMessage());
        }
        Optional<GlobalConfiguration.SecurityServer> server =
                trusted.configuration().serverWithAuthCertificate(hash(chain[0]));
        if (server.isEmpty()) {
            throw new PeerRefusedException(PeerRefusedException.Reason.NOT_REGISTERED, "peer certificate "
                    + chain[0].getSubjectX500Principal()
                    + " is not registered for any security server in the global configuration");
        }
        ValidatedCertificate valid;
        try {
            valid = validator.validate(List.of(chain), trusted.approvedCas(), clock.instant(), CertificateProfile.AUTH);
        } catch (CertificateValidationException e) {
            throw new PeerRefusedException(reason(e.reason()), "peer authentication certificate is not acceptable: "
                    + e.getMessage());
        }
        if (!valid.identity().equals(server.get().id())) {
            throw new PeerRefusedException(PeerRefusedException.Reason.WRONG_SERVER, "peer certificate names "
                    + valid.identity().format()
                    + " but is registered for " + server.get().id().format());
        }
        return server.get();
    }

    private static PeerRefusedException.Reason reason(CertificateValidationException.Reason reason) {
        return switch (reason) {
            case UNTRUSTED_CHAIN -> PeerRefusedException.Reason.UNTRUSTED;
            case REVOKED -> PeerRefusedException.Reason.REVOKED;
            case EXPIRED, NOT_YET_VALID -> PeerRefusedException.Reason.NOT_VALID_NOW;
            case STATUS_UNKNOWN, STATUS_UNAVAILABLE -> PeerRefusedException.Reason.STATUS_UNAVAILABLE;
            case MALFORMED, PROFILE -> PeerRefusedException.Reason.NOT_AUTH_CERTIFICATE;
        };
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        registeredServer(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        GlobalConfiguration.SecurityServer server = registeredServer(chain);
        if (engine != null && engine.getPeerHost() != null && engine.getPeerPort() > 0) {
            String dialled = engine.getPeerHost() + ":" + engine.getPeerPort();
            if (!server.address().equalsIgnoreCase(dialled)) {
                throw new PeerRefusedException(PeerRefusedException.Reason.WRONG_ADDRESS, "the server at " + dialled + " presented the certificate of "
                        + server.id().format() + ", which is registered at " + server.address());
            }
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        registeredServer(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        registeredServer(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        registeredServer(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        registeredServer(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
