package org.xroadng.certs.validation;

import static org.xroadng.certs.validation.CertificateValidationException.Reason;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.certs.ocsp.RevocationChecker;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.profile.ProfileException;
import org.xroadng.protocol.id.XRoadId;

/**
 * Decides whether a member's or security server's certificate is acceptable at an instant.
 *
 * <p>Checks, in order, and stops at the first failure: the certificate is valid at that instant;
 * the chain leads to one of the approved CA certificates (RFC 5280 section 6 path validation,
 * revocation left to OCSP); the certificate fits the profile (key usage, extended key usage for
 * {@code auth}, exactly one {@code urn:xroad:} name of the profile's form); and its issuer's OCSP
 * responder gives a fresh {@code good} status (RFC 6960), through the {@link RevocationChecker}.
 */
public final class CertificateValidator {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DIGITAL_SIGNATURE = 0;

    private final RevocationChecker revocation;

    public CertificateValidator(RevocationChecker revocation) {
        this.revocation = Objects.requireNonNull(revocation, "revocation");
    }

    /**
     * @param chain       the certificate first, then any intermediates (the approved CA itself may be omitted)
     * @param approvedCas the trusted CA certificates, from the global configuration
     */
    public ValidatedCertificate validate(List<X509Certificate> chain, Collection<X509Certificate> approvedCas,
                                         Instant at, CertificateProfile profile) throws CertificateValidationException {
        if (chain.isEmpty()) {
            throw new CertificateValidationException(Reason.MALFORMED, "no certificate given");
        }
        X509Certificate certificate = chain.get(0);
        String name = describe(certificate);
        checkValidity(certificate, name, at);
        X509Certificate issuer = validatePath(chain, approvedCas, at, name);
        XRoadId identity = checkProfile(certificate, profile, name);
        OcspResult status = checkRevocation(certificate, issuer, name);
        return new ValidatedCertificate(profile, identity, certificate, issuer, status);
    }

    private static void checkValidity(X509Certificate certificate, String name, Instant at)
            throws CertificateValidationException {
        try {
            certificate.checkValidity(Date.from(at));
        } catch (CertificateExpiredException e) {
            throw new CertificateValidationException(Reason.EXPIRED, name + " expired at "
                    + certificate.getNotAfter().toInstant() + "; the time is " + at);
        } catch (CertificateNotYetValidException e) {
            throw new CertificateValidationException(Reason.NOT_YET_VALID, name + " is valid only from "
                    + certificate.getNotBefore().toInstant() + "; the time is " + at);
        }
    }

    /** Returns the certificate of the CA that issued the first certificate of the chain. */
    private static X509Certificate validatePath(List<X509Certificate> chain, Collection<X509Certificate> approvedCas,
                                                Instant at, String name) throws CertificateValidationException {
        if (approvedCas.isEmpty()) {
            throw new CertificateValidationException(Reason.UNTRUSTED_CHAIN, "no approved CA is configured, so "
                    + name + " cannot be trusted");
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        approvedCas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        List<X509Certificate> path = chain.stream().filter(c -> !approvedCas.contains(c)).toList();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult)
                    CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return path.size() > 1 ? path.get(1) : result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            throw new CertificateValidationException(Reason.UNTRUSTED_CHAIN, name
                    + " does not chain to an approved CA (issuer " + chain.get(0).getIssuerX500Principal() + "): "
                    + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new CertificateValidationException(Reason.MALFORMED, name + " cannot be path-validated: "
                    + e.getMessage(), e);
        }
    }

    private static XRoadId checkProfile(X509Certificate certificate, CertificateProfile profile, String name)
            throws CertificateValidationException {
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage == null || !keyUsage[DIGITAL_SIGNATURE]) {
            throw new CertificateValidationException(Reason.PROFILE, name + " lacks the digitalSignature key usage"
                    + " that a " + profile + " certificate needs");
        }
        if (profile == CertificateProfile.AUTH) {
            try {
                List<String> eku = certificate.getExtendedKeyUsage();
                if (eku == null || !eku.contains(SERVER_AUTH) || !eku.contains(CLIENT_AUTH)) {
                    throw new CertificateValidationException(Reason.PROFILE, name + " has extended key usage "
                            + eku + "; an auth certificate needs serverAuth and clientAuth");
                }
            } catch (CertificateParsingException e) {
                throw new CertificateValidationException(Reason.MALFORMED, name + " has a malformed extended key usage");
            }
        }
        try {
            return profile.identityOf(certificate);
        } catch (ProfileException e) {
            throw new CertificateValidationException(Reason.PROFILE, e.getMessage());
        }
    }

    private OcspResult checkRevocation(X509Certificate certificate, X509Certificate issuer, String name)
            throws CertificateValidationException {
        OcspResult status;
        try {
            status = revocation.check(certificate, issuer);
        } catch (OcspException e) {
            throw new CertificateValidationException(Reason.STATUS_UNAVAILABLE, "no fresh OCSP status for " + name
                    + ": " + e.getMessage(), e);
        }
        return switch (status.status()) {
            case GOOD -> status;
            case REVOKED -> throw new CertificateValidationException(Reason.REVOKED, name + " was revoked at "
                    + status.revocationTime());
            case UNKNOWN -> throw new CertificateValidationException(Reason.STATUS_UNKNOWN, "the OCSP responder of "
                    + certificate.getIssuerX500Principal() + " does not know " + name);
        };
    }

    private static String describe(X509Certificate certificate) {
        return "certificate " + certificate.getSerialNumber().toString(16) + " ("
                + certificate.getSubjectX500Principal().getName() + ")";
    }
}
