package org.xroadng.certs.tsa;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIFreeText;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.asn1.cmp.PKIStatusInfo;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.tsp.TimeStampReq;
import org.bouncycastle.asn1.tsp.TimeStampResp;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInfoGenerator;
import org.bouncycastle.cms.SignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.util.CollectionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.certs.internal.SigningKeyContentSigner;
import org.xroadng.protocol.jws.SigningKey;

/**
 * A time-stamping authority (RFC 3161): answers a DER {@code TimeStampReq} with a DER
 * {@code TimeStampResp}.
 *
 * <p>Guarantees: {@link #respond} never throws. It grants a token only for a version 1 request with
 * a 32-byte SHA-256 message imprint, no policy or our policy, and no extensions (RFC 3161 section
 * 2.4.1 requires refusing any extension we do not recognise, and we recognise none); anything else
 * gets a {@code rejection} with the RFC 3161 section 2.4.2 failInfo (badDataFormat, badAlg,
 * unacceptedPolicy, unacceptedExtension) and a status string saying what was wrong. A granted
 * token carries genTime = the injected clock truncated to whole seconds with an accuracy of one
 * second, a serial number of 128 random bits, the request's nonce if it had one, an ESSCertIDv2
 * (SHA-256) naming the TSA certificate (RFC 5816), and the TSA certificate and chain only when the
 * request set certReq. It is signed with SHA256withECDSA by a key that stays in its token.
 * Thread-safe: each request gets fresh Bouncy Castle generators.
 */
public final class TimeStampAuthority {

    /**
     * Our TSA policy when the caller names none: a UUID OID under {@code 2.25} (ITU-T X.667), minted
     * once for this project from UUID 34f1737f-5010-4264-bc05-0344f3d87622.
     */
    public static final ASN1ObjectIdentifier DEFAULT_POLICY =
            new ASN1ObjectIdentifier("2.25.70373541887582035236375400044914308642");

    private static final Logger LOG = LoggerFactory.getLogger(TimeStampAuthority.class);
    private static final ASN1ObjectIdentifier SHA256 = TimeStampRequestCheck.SHA256;
    private static final DigestCalculatorProvider DIGESTS = new BcDigestCalculatorProvider();

    private final X509CertificateHolder certificate;
    private final List<X509CertificateHolder> certificates;
    private final SigningKey key;
    private final Clock clock;
    private final SecureRandom random;
    private final ASN1ObjectIdentifier policy;
    private final TsaListener listener;

    /** A TSA with {@link #DEFAULT_POLICY}. */
    public TimeStampAuthority(X509Certificate tsaCertificate, List<X509Certificate> chain, SigningKey tsaKey,
                              Clock clock, SecureRandom random) {
        this(tsaCertificate, chain, tsaKey, clock, random, DEFAULT_POLICY);
    }

    /**
     * @param chain the certificates above the TSA's, sent after it when a request sets certReq; may be empty
     * @throws IllegalArgumentException if the certificate is not a TSA certificate (RFC 3161 section 2.3)
     *                                  or does not hold the public half of {@code tsaKey}
     */
    public TimeStampAuthority(X509Certificate tsaCertificate, List<X509Certificate> chain, SigningKey tsaKey,
                              Clock clock, SecureRandom random, ASN1ObjectIdentifier policy) {
        this(tsaCertificate, chain, tsaKey, clock, random, policy, TsaListener.NONE);
    }

    /** A TSA with {@link #DEFAULT_POLICY} that tells {@code listener} of every answer (for metrics). */
    public TimeStampAuthority(X509Certificate tsaCertificate, List<X509Certificate> chain, SigningKey tsaKey,
                              Clock clock, SecureRandom random, TsaListener listener) {
        this(tsaCertificate, chain, tsaKey, clock, random, DEFAULT_POLICY, listener);
    }

    private TimeStampAuthority(X509Certificate tsaCertificate, List<X509Certificate> chain, SigningKey tsaKey,
                               Clock clock, SecureRandom random, ASN1ObjectIdentifier policy, TsaListener listener) {
        Objects.requireNonNull(tsaCertificate, "tsaCertificate");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.key = Objects.requireNonNull(tsaKey, "tsaKey");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
        try {
            TsaCertificateProfile.check(tsaCertificate);
        } catch (TimestampException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (!tsaCertificate.getPublicKey().equals(tsaKey.publicKey())) {
            throw new IllegalArgumentException("TSA certificate " + tsaCertificate.getSubjectX500Principal()
                    + " does not hold the public key of signing key " + tsaKey.keyId());
        }
        List<X509CertificateHolder> all = new ArrayList<>();
        all.add(holder(tsaCertificate));
        List.copyOf(chain).forEach(c -> all.add(holder(c)));
        this.certificate = all.get(0);
        this.certificates = List.copyOf(all);
    }

    /** The policy under which this TSA issues tokens. */
    public ASN1ObjectIdentifier policy() {
        return policy;
    }

    /** Answers one DER {@code TimeStampReq} with a DER {@code TimeStampResp}; never throws. */
    public byte[] respond(byte[] derRequest) {
        long started = System.nanoTime();
        TimeStampRequest request;
        try {
            TimeStampReq parsed = TimeStampReq.getInstance(ASN1Primitive.fromByteArray(derRequest));
            if (parsed == null) {
                return reject(PKIFailureInfo.badDataFormat, "the request is empty; expected a DER TimeStampReq",
                        started);
            }
            request = new TimeStampRequest(parsed);
        } catch (IOException | RuntimeException e) {
            return reject(PKIFailureInfo.badDataFormat,
                    "the request is not a DER TimeStampReq (RFC 3161 section 2.4.1): " + e.getMessage(), started);
        }
        Optional<TimeStampRequestCheck.Refusal> refusal = TimeStampRequestCheck.refusal(request, policy);
        if (refusal.isPresent()) {
            return reject(refusal.get().failInfo(), refusal.get().statusString(), started);
        }
        byte[] granted = grant(request);
        if (granted == null) {
            return reject(PKIFailureInfo.systemFailure, "the TSA failed to issue a token; see its log", started);
        }
        listener.granted(System.nanoTime() - started);
        return granted;
    }

    private byte[] reject(int failInfo, String statusString, long started) {
        byte[] response = refuse(failInfo, statusString);
        listener.rejected(FailInfoNames.describe(failInfo), System.nanoTime() - started);
        return response;
    }

    /** The granted response, or null when the TSA failed to make one (logged). */
    private byte[] grant(TimeStampRequest request) {
        Instant genTime = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        BigInteger serialNumber = new BigInteger(128, random);
        try {
            TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(signerInfo(genTime),
                    DIGESTS.get(new AlgorithmIdentifier(SHA256)), policy);
            tokens.setAccuracySeconds(1);
            tokens.addCertificates(new CollectionStore<>(certificates));
            TimeStampResponseGenerator responses = new TimeStampResponseGenerator(tokens, Set.of(SHA256),
                    Set.of(policy), Set.of());
            return responses.generateGrantedResponse(request, serialNumber, Date.from(genTime)).getEncoded();
        } catch (TSPException | OperatorCreationException | IOException | RuntimeException e) {
            LOG.error("TSA {} failed to issue a time-stamp token", certificate.getSubject(), e);
            return null;
        }
    }

    /** Signed attributes: content type, message digest, CMS algorithm protection, and signingTime = genTime. */
    private SignerInfoGenerator signerInfo(Instant genTime) throws OperatorCreationException {
        AttributeTable signingTime = new AttributeTable(
                new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(genTime)))));
        return new SignerInfoGeneratorBuilder(DIGESTS)
                .setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(signingTime))
                .build(new SigningKeyContentSigner(key), certificate);
    }

    private static byte[] refuse(int failInfo, String statusString) {
        PKIStatusInfo status = new PKIStatusInfo(PKIStatus.rejection, new PKIFreeText(statusString),
                new PKIFailureInfo(failInfo));
        try {
            return new TimeStampResp(status, null).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot DER-encode a TimeStampResp we built", e);
        }
    }

    private static X509CertificateHolder holder(X509Certificate certificate) {
        try {
            return new JcaX509CertificateHolder(certificate);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal()
                    + " cannot be encoded: " + e.getMessage(), e);
        }
    }
}
