package org.xroadng.certs.ocsp;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.internal.SigningKeyContentSigner;
import org.xroadng.protocol.jws.SigningKey;

/**
 * An OCSP responder for one CA (RFC 6960), answering with a delegated responder certificate
 * (RFC 6960 section 4.2.2.2).
 *
 * <p>Guarantees: {@link #respond} never throws and always returns a DER {@code OCSPResponse}
 * (section 4.2.1). Input that is not an {@code OCSPRequest}, that asks for no certificate or for
 * more than {@value #MAX_SINGLE_REQUESTS}, or whose nonce is not 1 to 32 octets (RFC 8954
 * section 2.1) is answered {@code malformedRequest}; a failure of the status source or of the
 * signing key is answered {@code internalError}. Otherwise the response is a
 * {@code BasicOCSPResponse} signed with SHA256withECDSA by the responder key, naming the responder
 * by key hash (section 4.2.2.3), carrying the responder certificate, and holding one
 * {@code SingleResponse} per request, in order: {@code unknown} when the CertID's issuer name and
 * key hashes (under the hash algorithm the request chose) are not our CA's or the serial is not
 * known to the source, {@code revoked} with time and reason, else {@code good}. {@code thisUpdate}
 * and {@code producedAt} are the clock's now (whole seconds), {@code nextUpdate} is now + validity.
 * A nonce (section 4.4.1) is echoed unchanged.
 */
public final class OcspResponder {

    /** The largest number of certificates one request may ask about. */
    public static final int MAX_SINGLE_REQUESTS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(OcspResponder.class);
    private static final int MAX_NONCE_OCTETS = 32;

    private final X509CertificateHolder caCertificate;
    private final X509CertificateHolder responderCertificate;
    private final SigningKey responderKey;
    private final RespID responderId;
    private final CertificateStatusSource source;
    private final Clock clock;
    private final Duration validity;
    private final DigestCalculatorProvider digests = new BcDigestCalculatorProvider();
    private final OcspResponderListener listener;

    /**
     * A responder answering for certificates issued by {@code caCertificate}.
     *
     * @param responderCertificate the CA itself or a certificate the CA issued with EKU id-kp-OCSPSigning;
     *                             its public key must be that of {@code responderKey}
     * @param validity             the span from {@code thisUpdate} to {@code nextUpdate}; positive
     * @throws IllegalArgumentException when the responder certificate is not fit for this CA
     */
    public OcspResponder(X509Certificate caCertificate, X509Certificate responderCertificate, SigningKey responderKey,
                         CertificateStatusSource source, Clock clock, Duration validity) {
        this(caCertificate, responderCertificate, responderKey, source, clock, validity, OcspResponderListener.NONE);
    }

    /** A responder that tells {@code listener} of every answer (for metrics). */
    public OcspResponder(X509Certificate caCertificate, X509Certificate responderCertificate, SigningKey responderKey,
                         CertificateStatusSource source, Clock clock, Duration validity,
                         OcspResponderListener listener) {
        Objects.requireNonNull(caCertificate, "caCertificate");
        this.listener = Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(responderCertificate, "responderCertificate");
        this.responderKey = Objects.requireNonNull(responderKey, "responderKey");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.validity = Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive; given " + validity);
        }
        requireFitResponder(caCertificate, responderCertificate, responderKey);
        try {
            this.caCertificate = new JcaX509CertificateHolder(caCertificate);
            this.responderCertificate = new JcaX509CertificateHolder(responderCertificate);
            this.responderId = new RespID(
                    SubjectPublicKeyInfo.getInstance(responderCertificate.getPublicKey().getEncoded()),
                    digests.get(CertificateID.HASH_SHA1));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
        } catch (OperatorCreationException | OCSPException e) {
            throw new IllegalStateException("SHA-1 for the responder key hash is unavailable", e);
        }
    }

    /** The DER {@code OCSPResponse} answering the DER {@code OCSPRequest}; never throws. */
    public byte[] respond(byte[] derRequest) {
        long started = System.nanoTime();
        OCSPReq request;
        try {
            request = new OCSPReq(derRequest);
        } catch (IOException | RuntimeException e) {
            return refuse(OcspResponderListener.Refusal.MALFORMED_REQUEST, started);
        }
        Req[] singles = request.getRequestList();
        if (singles.length == 0 || singles.length > MAX_SINGLE_REQUESTS) {
            return refuse(OcspResponderListener.Refusal.MALFORMED_REQUEST, started);
        }
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (nonce != null && !isAcceptableNonce(nonce)) {
            return refuse(OcspResponderListener.Refusal.MALFORMED_REQUEST, started);
        }
        List<OcspResponderListener.CertStatus> statuses = new ArrayList<>(singles.length);
        byte[] answer;
        try {
            answer = answer(singles, nonce, statuses);
        } catch (OCSPException | IOException | RuntimeException e) {
            LOG.warn("OCSP responder failed to answer: {}", e.toString());
            return refuse(OcspResponderListener.Refusal.INTERNAL_ERROR, started);
        }
        listener.answered(List.copyOf(statuses), System.nanoTime() - started);
        return answer;
    }

    private byte[] refuse(OcspResponderListener.Refusal refusal, long started) {
        byte[] response = OcspResponses.statusOnly(refusal == OcspResponderListener.Refusal.MALFORMED_REQUEST
                ? OCSPResponseStatus.MALFORMED_REQUEST : OCSPResponseStatus.INTERNAL_ERROR);
        listener.refused(refusal, System.nanoTime() - started);
        return response;
    }

    private byte[] answer(Req[] singles, Extension nonce, List<OcspResponderListener.CertStatus> statuses)
            throws OCSPException, IOException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Date thisUpdate = Date.from(now);
        Date nextUpdate = Date.from(now.plus(validity));
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(responderId);
        for (Req single : singles) {
            CertificateID id = single.getCertID();
            CertificateStatus status = statusOf(id);
            statuses.add(status == CertificateStatus.GOOD ? OcspResponderListener.CertStatus.GOOD
                    : status instanceof RevokedStatus ? OcspResponderListener.CertStatus.REVOKED
                    : OcspResponderListener.CertStatus.UNKNOWN);
            builder.addResponse(id, status, thisUpdate, nextUpdate, null);
        }
        if (nonce != null) {
            builder.setResponseExtensions(new Extensions(nonce));
        }
        BasicOCSPResp basic;
        try {
            basic = builder.build(new SigningKeyContentSigner(responderKey),
                    new X509CertificateHolder[] {responderCertificate}, thisUpdate);
        } catch (RuntimeOperatorException e) {
            throw new OCSPException("the responder key failed to sign: " + e.getMessage(), e);
        }
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    private CertificateStatus statusOf(CertificateID id) {
        if (!isOurs(id)) {
            return new UnknownStatus();
        }
        Optional<CertificateStatusSource.IssuedStatus> status = source.statusOf(id.getSerialNumber());
        if (status.isEmpty()) {
            return new UnknownStatus();
        }
        if (status.get().revoked()) {
            return new RevokedStatus(Date.from(status.get().revokedAt().truncatedTo(ChronoUnit.SECONDS)),
                    status.get().revocationReason());
        }
        return CertificateStatus.GOOD;
    }

    /** Issuer name and key hashes equal ours under the request's hash algorithm (RFC 6960 section 4.1.1). */
    private boolean isOurs(CertificateID id) {
        try {
            return id.matchesIssuer(caCertificate, digests);
        } catch (OCSPException e) {
            // A hash algorithm we do not implement: we cannot claim the certificate.
            return false;
        }
    }

    private static boolean isAcceptableNonce(Extension nonce) {
        try {
            int length = ASN1OctetString.getInstance(nonce.getParsedValue()).getOctets().length;
            return length >= 1 && length <= MAX_NONCE_OCTETS;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void requireFitResponder(X509Certificate ca, X509Certificate responder, SigningKey key) {
        if (!Arrays.equals(responder.getPublicKey().getEncoded(), key.publicKey().getEncoded())) {
            throw new IllegalArgumentException("responder key " + key.keyId()
                    + " does not match the public key of responder certificate " + responder.getSubjectX500Principal());
        }
        if (responder.equals(ca)) {
            return;
        }
        if (!responder.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            throw new IllegalArgumentException("responder certificate must be issued by the CA "
                    + ca.getSubjectX500Principal() + "; its issuer is " + responder.getIssuerX500Principal());
        }
        try {
            List<String> eku = responder.getExtendedKeyUsage();
            if (eku == null || !eku.contains(KeyPurposeId.id_kp_OCSPSigning.getId())) {
                throw new IllegalArgumentException("responder certificate " + responder.getSubjectX500Principal()
                        + " lacks extended key usage id-kp-OCSPSigning (RFC 6960 section 4.2.2.2); it has " + eku);
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("responder certificate extended key usage is malformed", e);
        }
    }
}
