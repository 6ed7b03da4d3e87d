package org.xroadng.certs.ocsp;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Verifies a DER {@code OCSPResponse} about one certificate (RFC 6960).
 *
 * <p>Guarantees: {@link #verify} returns a result only when, in this order, the response status is
 * {@code successful} and its body a {@code BasicOCSPResponse} (section 4.2.1); the signer named by
 * the ResponderID is the issuer itself, or a certificate carried in the response that the issuer
 * signed, that is valid at the given instant and has EKU id-kp-OCSPSigning (section 4.2.2.2); the
 * signature verifies with that signer's key through the given {@link Provider}; a
 * {@code SingleResponse} names the certificate's serial and issuer (section 4.1.1); its
 * {@code thisUpdate} is at most {@link #MAX_CLOCK_SKEW} ahead of the instant and no older than the
 * freshness; its {@code nextUpdate}, if any, has not passed (section 4.2.2.1); and the response
 * nonce equals the expected one, when one is expected (section 4.4.1). Anything else is an
 * {@link OcspException} naming the check, what was expected and what was found.
 */
public final class OcspResponseVerifier {

    /** How far ahead of our clock a responder's {@code thisUpdate} may be. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

    private final Provider provider;
    private final Duration freshness;
    private final DigestCalculatorProvider digests;

    /** @param freshness the greatest accepted age of {@code thisUpdate}; positive */
    public OcspResponseVerifier(Provider provider, Duration freshness) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.freshness = Objects.requireNonNull(freshness, "freshness");
        if (freshness.isNegative() || freshness.isZero()) {
            throw new IllegalArgumentException("freshness must be positive; given " + freshness);
        }
        try {
            this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(provider).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("provider " + provider.getName() + " offers no digests", e);
        }
    }

    /**
     * Verifies {@code encodedResponse} as a status of {@code certificate}, issued by {@code issuer},
     * at instant {@code now}.
     *
     * @param expectedNonce the nonce the request carried, whose echo is then required; empty for none
     */
    public OcspResult verify(byte[] encodedResponse, X509Certificate certificate, X509Certificate issuer,
                             Instant now, Optional<byte[]> expectedNonce) throws OcspException {
        BasicOCSPResp basic = basicResponse(encodedResponse);
        X509CertificateHolder issuerHolder = holder(issuer);
        X509CertificateHolder signer = signerOf(basic, issuerHolder, now);
        requireSignature(basic, signer);
        SingleResp single = singleFor(basic, certificate, issuerHolder);
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() == null ? null : single.getNextUpdate().toInstant();
        requireTimely(thisUpdate, nextUpdate, now, freshness);
        if (expectedNonce.isPresent()) {
            requireNonce(basic, expectedNonce.get());
        }
        CertificateStatus status = single.getCertStatus();
        if (status == CertificateStatus.GOOD) {
            return new OcspResult(OcspResult.Status.GOOD, thisUpdate, nextUpdate, null, encodedResponse);
        }
        if (status instanceof RevokedStatus revoked) {
            return new OcspResult(OcspResult.Status.REVOKED, thisUpdate, nextUpdate,
                    revoked.getRevocationTime().toInstant(), encodedResponse);
        }
        if (status instanceof UnknownStatus) {
            return new OcspResult(OcspResult.Status.UNKNOWN, thisUpdate, nextUpdate, null, encodedResponse);
        }
        throw new OcspException("certificate status: expected good, revoked or unknown; actual "
                + status.getClass().getSimpleName());
    }

    /**
     * Whether a result is still timely at {@code now}: {@code thisUpdate} no more than
     * {@link #MAX_CLOCK_SKEW} ahead, no older than {@code freshness}, {@code nextUpdate} not passed.
     */
    static void requireTimely(Instant thisUpdate, Instant nextUpdate, Instant now, Duration freshness)
            throws OcspException {
        if (thisUpdate.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new OcspException("thisUpdate: expected no later than " + now.plus(MAX_CLOCK_SKEW)
                    + " (now plus clock skew " + MAX_CLOCK_SKEW + "); actual " + thisUpdate);
        }
        if (Duration.between(thisUpdate, now).compareTo(freshness) > 0) {
            throw new OcspException("freshness: expected thisUpdate no older than " + freshness + " at " + now
                    + "; actual thisUpdate " + thisUpdate + " is stale");
        }
        if (nextUpdate != null && now.isAfter(nextUpdate)) {
            throw new OcspException("nextUpdate: expected not before now " + now + "; actual nextUpdate "
                    + nextUpdate + " has passed");
        }
    }

    private static BasicOCSPResp basicResponse(byte[] encoded) throws OcspException {
        OCSPResp response;
        Object body;
        try {
            response = new OCSPResp(encoded);
        } catch (IOException | RuntimeException e) {
            throw new OcspException("response encoding: expected a DER OCSPResponse; actual bytes do not parse");
        }
        if (response.getStatus() != OCSPResponseStatus.SUCCESSFUL) {
            throw new OcspException("response status: expected successful; actual "
                    + OcspResponses.statusName(response.getStatus()));
        }
        try {
            body = response.getResponseObject();
        } catch (OCSPException | RuntimeException e) {
            throw new OcspException("response body: expected a BasicOCSPResponse; actual body does not parse");
        }
        if (body == null) {
            // RFC 6960 section 4.2.1: responseBytes is OPTIONAL in the syntax, but a successful
            // response without it says nothing about any certificate.
            throw new OcspException("response body: expected responseBytes with a BasicOCSPResponse; actual none");
        }
        if (!(body instanceof BasicOCSPResp basic)) {
            throw new OcspException("response type: expected id-pkix-ocsp-basic; actual "
                    + response.toASN1Structure().getResponseBytes().getResponseType());
        }
        return basic;
    }

    /** The certificate whose key must have signed the response (RFC 6960 section 4.2.2.2). */
    private X509CertificateHolder signerOf(BasicOCSPResp basic, X509CertificateHolder issuer, Instant now)
            throws OcspException {
        RespID responderId = basic.getResponderId();
        if (names(responderId, issuer)) {
            return issuer;
        }
        for (X509CertificateHolder candidate : basic.getCerts()) {
            if (names(responderId, candidate)) {
                requireDelegatedBy(candidate, issuer, now);
                return candidate;
            }
        }
        throw new OcspException("responder: expected the issuer " + issuer.getSubject()
                + " or a delegated responder certificate carried in the response; actual responder id "
                + describe(responderId) + " matches neither");
    }

    private void requireDelegatedBy(X509CertificateHolder responder, X509CertificateHolder issuer, Instant now)
            throws OcspException {
        String name = "delegated responder " + responder.getSubject();
        boolean signedByIssuer;
        try {
            signedByIssuer = responder.getIssuer().equals(issuer.getSubject())
                    && responder.isSignatureValid(verifierFor(issuer));
        } catch (CertException | RuntimeException e) {
            signedByIssuer = false;
        }
        if (!signedByIssuer) {
            throw new OcspException(name + ": expected a certificate issued and signed by " + issuer.getSubject()
                    + "; actual issuer " + responder.getIssuer() + " and its signature does not verify with the"
                    + " issuer's key");
        }
        if (!responder.isValidOn(Date.from(now))) {
            throw new OcspException(name + ": expected valid at " + now + "; actual validity "
                    + responder.getNotBefore().toInstant() + " to " + responder.getNotAfter().toInstant());
        }
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(responder.getExtensions());
        if (eku == null || !eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
            throw new OcspException(name + ": expected extended key usage id-kp-OCSPSigning; actual "
                    + (eku == null ? "no extended key usage" : List.of(eku.getUsages()).toString()));
        }
    }

    private void requireSignature(BasicOCSPResp basic, X509CertificateHolder signer) throws OcspException {
        boolean valid;
        try {
            valid = basic.isSignatureValid(verifierFor(signer));
        } catch (OCSPException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new OcspException("signature: expected a valid " + basic.getSignatureAlgOID()
                    + " signature by " + signer.getSubject() + "; actual signature does not verify");
        }
    }

    private SingleResp singleFor(BasicOCSPResp basic, X509Certificate certificate, X509CertificateHolder issuer)
            throws OcspException {
        List<String> seen = new ArrayList<>();
        for (SingleResp single : basic.getResponses()) {
            CertificateID id = single.getCertID();
            boolean sameIssuer = matchesIssuer(id, issuer);
            if (id.getSerialNumber().equals(certificate.getSerialNumber()) && sameIssuer) {
                return single;
            }
            seen.add("serial " + id.getSerialNumber().toString(16) + (sameIssuer ? "" : " of another issuer"));
        }
        throw new OcspException("certificate id: expected serial " + certificate.getSerialNumber().toString(16)
                + " issued by " + issuer.getSubject() + "; actual response is about " + seen);
    }

    private boolean matchesIssuer(CertificateID id, X509CertificateHolder issuer) {
        try {
            return id.matchesIssuer(issuer, digests);
        } catch (OCSPException e) {
            return false;
        }
    }

    private static void requireNonce(BasicOCSPResp basic, byte[] expected) throws OcspException {
        Extension extension = basic.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        String hexExpected = HexFormat.of().formatHex(expected);
        if (extension == null) {
            throw new OcspException("nonce: expected " + hexExpected + "; actual response carries no nonce");
        }
        byte[] actual;
        try {
            actual = ASN1OctetString.getInstance(extension.getParsedValue()).getOctets();
        } catch (RuntimeException e) {
            throw new OcspException("nonce: expected " + hexExpected + "; actual nonce is not an OCTET STRING");
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new OcspException("nonce: expected " + hexExpected + "; actual " + HexFormat.of().formatHex(actual));
        }
    }

    private ContentVerifierProvider verifierFor(X509CertificateHolder certificate) throws OcspException {
        try {
            return new JcaContentVerifierProviderBuilder().setProvider(provider).build(certificate);
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new OcspException("signer key of " + certificate.getSubject()
                    + ": expected a key the provider can verify with; actual " + e.getMessage());
        }
    }

    private boolean names(RespID responderId, X509CertificateHolder certificate) {
        X500Name byName = responderId.toASN1Primitive().getName();
        if (byName != null) {
            return byName.equals(certificate.getSubject());
        }
        byte[] keyHash = responderId.toASN1Primitive().getKeyHash();
        try {
            RespID ofCertificate = new RespID(certificate.getSubjectPublicKeyInfo(),
                    digests.get(CertificateID.HASH_SHA1));
            return Arrays.equals(keyHash, ofCertificate.toASN1Primitive().getKeyHash());
        } catch (OperatorCreationException | OCSPException e) {
            return false;
        }
    }

    private static String describe(RespID responderId) {
        X500Name byName = responderId.toASN1Primitive().getName();
        return byName != null ? "byName " + byName
                : "byKey " + HexFormat.of().formatHex(responderId.toASN1Primitive().getKeyHash());
    }

    private static X509CertificateHolder holder(X509Certificate certificate) throws OcspException {
        try {
            return new JcaX509CertificateHolder(certificate);
        } catch (CertificateEncodingException e) {
            throw new OcspException("issuer certificate: expected DER-encodable; actual " + e.getMessage());
        }
    }
}
