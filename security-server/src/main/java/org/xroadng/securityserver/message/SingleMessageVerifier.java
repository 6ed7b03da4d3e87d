package org.xroadng.securityserver.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.nimbusds.jose.JWSHeader;
import org.xroadng.certs.ocsp.CarriedOcspChecker;
import org.xroadng.certs.ocsp.OcspResponseVerifier;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.securityserver.globalconf.TrustedConfiguration;
import org.xroadng.securityserver.message.MessageVerificationException.Reason;

/**
 * A {@link MessageVerifier} for plain (single-message) signatures: the JWS itself through the
 * given provider (Bouncy Castle), then the signer's certificate with the OCSP response it carries.
 *
 * <p>Certificate checks are remembered per (certificate, OCSP response) until that response would
 * be stale, so a steady stream of messages from one member costs one signature check each.
 */
public final class SingleMessageVerifier implements MessageVerifier {

    private static final int CACHE_LIMIT = 4096;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SingleMessageVerifier.class);

    private record Checked(MemberId member, Instant validUntil) {
    }

    /**
     * A certificate check under one configuration version, for one protected header: its
     * {@code x5c} chain and {@code ocsp} response. The verifier hands out one {@link JWSHeader}
     * instance per distinct encoded header (compared by identity), so the key costs no hashing of
     * the certificate or the response on the message path; a header it parses anew is checked anew.
     */
    private record CheckKey(long version, JWSHeader header) {
    }

    private final JwsVerifier jwsVerifier;
    private final Provider provider;
    private final Clock clock;
    private final Map<CheckKey, Checked> checked = new ConcurrentHashMap<>();

    public SingleMessageVerifier(Provider provider, Clock clock) {
        this.jwsVerifier = new JwsVerifier(provider);
        this.provider = provider;
        this.clock = clock;
    }

    @Override
    public <T extends MessageSummary> Verified<T> verify(String compactJws, Class<T> summaryType,
                                                         TrustedConfiguration trusted)
            throws MessageVerificationException {
        VerifiedJws jws;
        try {
            jws = jwsVerifier.verify(compactJws);
        } catch (JwsVerificationException e) {
            throw new MessageVerificationException(Reason.INVALID_SIGNATURE, "message signature is invalid: "
                    + e.getMessage());
        }
        MemberId signer = checkSigner(jws, trusted);
        return new Verified<>(signer, summary(jws.payload(), summaryType), jws);
    }

    /** The signed summary's JSON read as {@code summaryType}; refused as an invalid signature when malformed. */
    static <T extends MessageSummary> T summary(byte[] json, Class<T> summaryType) throws MessageVerificationException {
        try {
            return ProtocolJson.mapper().readValue(json, summaryType);
        } catch (JsonProcessingException e) {
            throw new MessageVerificationException(Reason.INVALID_SIGNATURE, "signed summary is malformed: "
                    + ProtocolJson.describe(e));
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new MessageVerificationException(Reason.INVALID_SIGNATURE, "signed summary is malformed: "
                    + e.getMessage());
        }
    }

    /**
     * The certificate checks of {@link MessageVerifier} for a JWS whose signature has already
     * verified (a batch root, {@link BatchMessageVerifier}): the OCSP response it carries, then
     * {@link #signer}. Returns the member its certificate names.
     */
    MemberId checkSigner(VerifiedJws jws, TrustedConfiguration trusted) throws MessageVerificationException {
        Object ocspParam = jws.param(ManagementRequests.OCSP_PARAM);
        if (!(ocspParam instanceof String ocspBase64) || ocspBase64.isEmpty()) {
            throw new MessageVerificationException(Reason.CERTIFICATE_STATUS_UNAVAILABLE, "message signature carries"
                    + " no OCSP response for its certificate (protected header 'ocsp')");
        }
        return signer(jws, ocspBase64, trusted);
    }

    private MemberId signer(VerifiedJws jws, String ocspBase64, TrustedConfiguration trusted)
            throws MessageVerificationException {
        X509Certificate certificate = jws.signer();
        // By configuration version too: a CA dropped from the configuration is noticed at once.
        CheckKey key = new CheckKey(trusted.configuration().version(), jws.header());
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
            throw new MessageVerificationException(Reason.CERTIFICATE_STATUS_UNAVAILABLE,
                    "the carried OCSP response is not base64");
        }
        CertificateValidator validator = new CertificateValidator(new CarriedOcspChecker(ocsp,
                new OcspResponseVerifier(provider, trusted.ocspFreshness()), clock));
        ValidatedCertificate valid;
        try {
            valid = validator.validate(jws.chain(), trusted.approvedCas(), now, CertificateProfile.SIGN);
        } catch (CertificateValidationException e) {
            Reason reason = e.reason() == CertificateValidationException.Reason.STATUS_UNAVAILABLE
                    ? Reason.CERTIFICATE_STATUS_UNAVAILABLE : Reason.CERTIFICATE_INVALID;
            throw new MessageVerificationException(reason, "the signer's certificate is not acceptable: "
                    + e.getMessage());
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
