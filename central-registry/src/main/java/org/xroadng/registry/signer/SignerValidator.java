package org.xroadng.registry.signer;

import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.xroadng.certs.ocsp.CarriedOcspChecker;
import org.xroadng.certs.ocsp.OcspResponseVerifier;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.validation.CertificateValidationException;
import org.xroadng.certs.validation.CertificateValidator;
import org.xroadng.certs.validation.ValidatedCertificate;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.registry.signer.SignerValidationException.Reason;

/**
 * Decides whether the signer of a {@link VerifiedJws} is trusted, using the OCSP response the JWS
 * carries for it in the protected header parameter {@value ManagementRequests#OCSP_PARAM} (base64
 * DER), as management requests and access-log checkpoints carry theirs. Trust is fixed when the
 * validator is made: the approved CAs, the OCSP freshness and one instant.
 *
 * <p>Guarantees: {@link #validate} returns only when the JWS's {@code x5c[0]} certificate, with
 * the rest of {@code x5c}, chains to one of the approved CAs (RFC 5280 section 6), is valid at the
 * instant, fits the requested profile (its identity is then the member or server it certifies),
 * and the carried OCSP response is a verified {@code good} status for it (RFC 6960) produced no
 * longer than the freshness before the instant (no nonce: the signer fetched it). Anything else is
 * a {@link SignerValidationException}. Thread-safe.
 */
public final class SignerValidator {

    private final List<X509Certificate> approvedCas;
    private final OcspResponseVerifier ocsp;
    private final Instant now;

    private SignerValidator(List<X509Certificate> approvedCas, OcspResponseVerifier ocsp, Instant now) {
        this.approvedCas = approvedCas;
        this.ocsp = ocsp;
        this.now = now;
    }

    /**
     * A validator for one verification.
     *
     * @param approvedCas   the approved CA certificates (global configuration)
     * @param ocspFreshness the greatest accepted age of a carried OCSP response ({@code ocspFreshnessSeconds}); positive
     * @param now           the instant certificates and OCSP responses are judged at
     */
    public static SignerValidator at(Provider provider, Collection<X509Certificate> approvedCas, Duration ocspFreshness,
                                     Instant now) {
        Objects.requireNonNull(provider, "provider");
        return new SignerValidator(List.copyOf(approvedCas), new OcspResponseVerifier(provider, ocspFreshness),
                Objects.requireNonNull(now, "now"));
    }

    /** The instant this validator judges at. */
    public Instant instant() {
        return now;
    }

    /**
     * Validates the JWS's signer certificate with the OCSP response it carries.
     *
     * @param what how the certificate is named in messages, such as {@code "member signing certificate"}
     */
    public ValidatedCertificate validate(VerifiedJws jws, CertificateProfile profile, String what)
            throws SignerValidationException {
        byte[] response = carriedOcsp(jws, what);
        CertificateValidator validator = new CertificateValidator(
                new CarriedOcspChecker(response, ocsp, Clock.fixed(now, ZoneOffset.UTC)));
        try {
            return validator.validate(jws.chain(), approvedCas, now, profile);
        } catch (CertificateValidationException e) {
            Reason reason = switch (e.reason()) {
                case REVOKED -> Reason.CERTIFICATE_REVOKED;
                case STATUS_UNAVAILABLE -> Reason.OCSP_STALE_OR_MISSING;
                default -> Reason.CERTIFICATE_INVALID;
            };
            throw new SignerValidationException(reason, what + ": " + e.getMessage(), e);
        }
    }

    private static byte[] carriedOcsp(VerifiedJws jws, String what) throws SignerValidationException {
        Object value = jws.param(ManagementRequests.OCSP_PARAM);
        if (value == null) {
            throw new SignerValidationException(Reason.OCSP_STALE_OR_MISSING, what + ": expected its OCSP"
                    + " response in protected header parameter '" + ManagementRequests.OCSP_PARAM + "'; actual none");
        }
        if (!(value instanceof String text)) {
            throw new SignerValidationException(Reason.MALFORMED, what + ": expected header parameter '"
                    + ManagementRequests.OCSP_PARAM + "' as a base64 string; actual " + value.getClass().getSimpleName());
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SignerValidationException(Reason.MALFORMED, what + ": expected header parameter '"
                    + ManagementRequests.OCSP_PARAM + "' as base64; actual " + e.getMessage());
        }
    }
}
