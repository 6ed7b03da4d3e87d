package org.xroadng.registry.management;

import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.ocsp.OcspResponseVerifier;
import org.xroadng.certs.ocsp.OcspResult;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.VerifiedJws;
import org.xroadng.protocol.management.ManagementRequests;

/**
 * Reads back the proof a stored management request carries, for an operator's review: each JWS
 * signature (RFC 7515) is verified again with its {@code x5c[0]} certificate, and its carried OCSP
 * response (RFC 6960) is verified against the certificate's issuer (the next {@code x5c} entry, else
 * the approved CA whose subject is the certificate's issuer) as of the time the registry received
 * the request. It decides nothing: the registry verified the request fully when it was filed
 * ({@link ManagementRequestVerifier}); this shows what was verified. A part that cannot be read is
 * shown with its problem, never thrown.
 */
public final class RequestProofs {

    private final Provider provider;
    private final JwsVerifier jws;

    public RequestProofs(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.jws = new JwsVerifier(provider);
    }

    /**
     * @param receivedAt    when the registry received the request: OCSP responses are judged as of then
     * @param ocspFreshness the greatest accepted age of a carried OCSP response
     */
    public List<SignatureProof> describe(String signedRequest, Collection<X509Certificate> approvedCas,
                                         Instant receivedAt, Duration ocspFreshness) {
        List<SignatureProof> out = new ArrayList<>();
        VerifiedJws outer;
        try {
            outer = jws.verify(signedRequest);
        } catch (JwsVerificationException e) {
            out.add(unreadable("signer", e.getMessage()));
            return out;
        }
        out.add(proof("signer", outer, approvedCas, receivedAt, ocspFreshness));
        String payload = new String(outer.payload(), StandardCharsets.US_ASCII);
        if (payload.chars().filter(ch -> ch == '.').count() == 2 && !payload.startsWith("{")) {
            try {
                out.add(proof("proofOfPossession", jws.verify(payload), approvedCas, receivedAt, ocspFreshness));
            } catch (JwsVerificationException e) {
                out.add(unreadable("proofOfPossession", e.getMessage()));
            }
        }
        return out;
    }

    private SignatureProof proof(String part, VerifiedJws signed, Collection<X509Certificate> cas, Instant at,
                                 Duration freshness) {
        X509Certificate certificate = signed.signer();
        String status = "unverifiable";
        Instant thisUpdate = null;
        String problem = "";
        try {
            OcspResult result = new OcspResponseVerifier(provider, freshness).verify(carriedOcsp(signed), certificate,
                    issuer(signed, cas), at, Optional.empty());
            status = result.status().name().toLowerCase(Locale.ROOT);
            thisUpdate = result.thisUpdate();
        } catch (OcspException e) {
            problem = e.getMessage();
        }
        return new SignatureProof(part, identity(certificate), certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), status, thisUpdate,
                problem);
    }

    private static byte[] carriedOcsp(VerifiedJws signed) throws OcspException {
        Object value = signed.param(ManagementRequests.OCSP_PARAM);
        if (!(value instanceof String text)) {
            throw new OcspException("no OCSP response in protected header parameter '"
                    + ManagementRequests.OCSP_PARAM + "'");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new OcspException("the carried OCSP response is not base64: " + e.getMessage());
        }
    }

    private static X509Certificate issuer(VerifiedJws signed, Collection<X509Certificate> cas) throws OcspException {
        X509Certificate certificate = signed.signer();
        if (signed.chain().size() > 1) {
            return signed.chain().get(1);
        }
        return cas.stream().filter(ca -> ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))
                .findFirst().orElseThrow(() -> new OcspException("the issuer " + certificate.getIssuerX500Principal()
                        + " is no longer an approved CA"));
    }

    /** The X-Road identity in the certificate's subject alternative name (URI, RFC 5280 section 4.2.1.6). */
    private static String identity(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(6).equals(name.get(0)) && name.get(1) instanceof String uri
                            && uri.startsWith("urn:xroad:")) {
                        return uri;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return "";
        }
        return "";
    }

    private static SignatureProof unreadable(String part, String problem) {
        return new SignatureProof(part, "", "", "", "", null, null, "unverifiable", null, problem);
    }
}
