package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.certs.ocsp.CarriedOcspChecker;
import org.xroadng.certs.ocsp.OcspResponseVerifier;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;

/**
 * Verifies a peer's message signature: the JWS itself (ES256, signed by the key of its {@code x5c}
 * certificate), then that certificate: a member signing certificate chaining to an approved CA,
 * with the {@code good} OCSP response it carries no older than the configuration's freshness.
 *
 * <p>Certificate checks are remembered per (certificate, OCSP response) until that response would
 * be stale, so a steady stream of messages from one member costs one signature check each.
 */
public final class MessageVerifier {

    /** The error types one side reports. */
    public record Failures(ErrorType invalidSignature, ErrorType certificateInvalid, ErrorType statusUnavailable) {
    }

    private static final int CACHE_LIMIT = 4096;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageVerifier.class);

    private record Checked(MemberId member, Instant validUntil) {
    }

    private final JwsVerifier jwsVerifier;
    private final Provider provider;
    private final Clock clock;
    private final Map<String, Checked> checked = new ConcurrentHashMap<>();

    public MessageVerifier(Provider provider, Clock clock) {
        this.jwsVerifier = new JwsVerifier(provider);
        this.provider = provider;
        this.clock = clock;
    }

    /** A verified signature: the signing member and the signed summary. */
    public record Verified<T>(MemberId signer, T summary, VerifiedJws jws) {
    }

    public <T> Verified<T> verify(String compactJws, Class<T> summaryType, TrustedConfiguration trusted,
                                  Failures failures) throws ExchangeException {
        VerifiedJws jws;
        try {
            jws = jwsVerifier.verify(compactJws);
        } catch (JwsVerificationException e) {
            throw new ExchangeException(failures.invalidSignature(), "message signature is invalid: " + e.getMessage());
        }
        Object ocspParam = jws.param(ManagementRequests.OCSP_PARAM);
        if (!(ocspParam instanceof String ocspBase64) || ocspBase64.isEmpty()) {
            throw new ExchangeException(failures.statusUnavailable(), "message signature carries no OCSP response"
                    + " for its certificate (protected header 'ocsp')");
        }
        MemberId signer = signer(jws, ocspBase64, trusted, failures);
        try {
            return new Verified<>(signer, ProtocolJson.mapper().readValue(jws.payload(), summaryType), jws);
        } catch (JsonProcessingException e) {
            throw new ExchangeException(failures.invalidSignature(), "signed summary is malformed: "
                    + ProtocolJson.describe(e));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new ExchangeException(failures.invalidSignature(), "signed summary is malformed: " + e.getMessage());
        }
    }

    private MemberId signer(VerifiedJws jws, String ocspBase64, TrustedConfiguration trusted, Failures failures)
            throws ExchangeException {
        X509Certificate certificate = jws.signer();
        // Keyed by the certificate and response as they travel (no hashing on the message path), and by
        // configuration version: a CA dropped from the configuration is noticed at once.
        String key = trusted.configuration().version() + "|" + jws.header().getX509CertChain().get(0) + "|" + ocspBase64;
        Instant now = clock.instant();
        Checked known = checked.get(key);
        if (known != null && now.isBefore(known.validUntil())) {
            return known.member();
        }
        LOG.debug("checking certificate {} with its carried OCSP response", certificate.getSubjectX500Principal());
        byte[] ocsp;
        try {
            ocsp = Base64.getDecoder().decode(ocspBase64);
        } catch (IllegalArgumentException e) {
            throw new ExchangeException(failures.statusUnavailable(), "the carried OCSP response is not base64");
        }
        CertificateValidator validator = new CertificateValidator(new CarriedOcspChecker(ocsp,
                new OcspResponseVerifier(provider, trusted.ocspFreshness()), clock));
        ValidatedCertificate valid;
        try {
            valid = validator.validate(jws.chain(), trusted.approvedCas(), now, CertificateProfile.SIGN);
        } catch (CertificateValidationException e) {
            ErrorType type = e.reason() == CertificateValidationException.Reason.STATUS_UNAVAILABLE
                    ? failures.statusUnavailable() : failures.certificateInvalid();
            throw new ExchangeException(type, "the signer's certificate is not acceptable: " + e.getMessage());
        }
        MemberId member = (MemberId) valid.identity();
        Instant until = min(valid.ocsp().thisUpdate().plus(trusted.ocspFreshness()),
                certificate.getNotAfter().toInstant());
        if (checked.size() >= CACHE_LIMIT) {
            checked.clear();
        }
        checked.put(key, new Checked(member, until));
        return member;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

}
