package org.xroadng.certs.tsa;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ess.ESSCertID;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificate;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;
import org.xroadng.certs.tsa.TimestampException.Check;

/**
 * Verifies an RFC 3161 time-stamp token against the digest it should cover and the one TSA
 * certificate we trust.
 *
 * <p>Guarantees: a returned {@link VerifiedTimestamp} has a SHA-256 message imprint equal to the
 * expected digest (RFC 3161 section 2.4.2); the trusted certificate is a TSA certificate (critical
 * EKU id-kp-timeStamping only, section 2.3); the token's SignerIdentifier and its signed
 * ESSCertIDv2 (RFC 5816) or ESSCertID (RFC 2634 section 5.4) name that certificate; genTime lies
 * within the certificate's validity; and the CMS signature (RFC 5652 section 5.6) verifies with
 * its key through the given {@link Provider}. The cheap comparisons come first, the signature last.
 * Each failure is a {@link TimestampException} naming the check, what was expected and what was found.
 * Thread-safe.
 */
public final class TimestampVerifier {

    private static final int SHA256_LENGTH = 32;

    private final Provider provider;

    public TimestampVerifier(Provider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    /** Parses a DER {@code TimeStampToken} (a CMS ContentInfo, RFC 3161 section 2.4.2) and verifies it. */
    public VerifiedTimestamp verify(byte[] derToken, byte[] expectedSha256Digest, X509Certificate trustedTsaCertificate)
            throws TimestampException {
        TimeStampToken token;
        try {
            token = new TimeStampToken(ContentInfo.getInstance(ASN1Primitive.fromByteArray(derToken)));
        } catch (IOException | TSPException | RuntimeException e) {
            throw TimestampException.failed(Check.MALFORMED, "time-stamp token is not a DER CMS SignedData over a"
                    + " TSTInfo (RFC 3161 section 2.4.2): " + e.getMessage(), e);
        }
        return verify(token, expectedSha256Digest, trustedTsaCertificate);
    }

    /**
     * Verifies a parsed token.
     *
     * @throws IllegalArgumentException if {@code expectedSha256Digest} is not 32 bytes
     */
    public VerifiedTimestamp verify(TimeStampToken token, byte[] expectedSha256Digest,
                                    X509Certificate trustedTsaCertificate) throws TimestampException {
        if (expectedSha256Digest.length != SHA256_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest is " + SHA256_LENGTH + " bytes; got "
                    + expectedSha256Digest.length);
        }
        TimeStampTokenInfo info = token.getTimeStampInfo();
        if (!NISTObjectIdentifiers.id_sha256.equals(info.getMessageImprintAlgOID())) {
            throw TimestampException.mismatch(Check.IMPRINT_ALGORITHM, "message imprint hash algorithm",
                    NISTObjectIdentifiers.id_sha256 + " (SHA-256)", info.getMessageImprintAlgOID());
        }
        if (!MessageDigest.isEqual(expectedSha256Digest, info.getMessageImprintDigest())) {
            throw TimestampException.mismatch(Check.IMPRINT, "message imprint", hex(expectedSha256Digest),
                    hex(info.getMessageImprintDigest()));
        }
        TsaCertificateProfile.check(trustedTsaCertificate);
        X509CertificateHolder trusted = holder(trustedTsaCertificate);
        checkSigner(token, trusted);
        Instant genTime = info.getGenTime().toInstant();
        if (genTime.isBefore(trustedTsaCertificate.getNotBefore().toInstant())
                || genTime.isAfter(trustedTsaCertificate.getNotAfter().toInstant())) {
            throw TimestampException.mismatch(Check.GEN_TIME, "genTime", "within the TSA certificate's validity "
                    + trustedTsaCertificate.getNotBefore().toInstant() + " .. "
                    + trustedTsaCertificate.getNotAfter().toInstant(), genTime);
        }
        checkSignature(token, trustedTsaCertificate);
        return new VerifiedTimestamp(token, genTime, info.getSerialNumber());
    }

    private void checkSigner(TimeStampToken token, X509CertificateHolder trusted) throws TimestampException {
        SignerId sid = token.getSID();
        if (!sid.match(trusted)) {
            throw TimestampException.mismatch(Check.SIGNER, "signer identifier", describe(trusted),
                    "issuer " + sid.getIssuer() + ", serial " + sid.getSerialNumber());
        }
        Attribute v2 = token.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
        Attribute v1 = token.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificate);
        AlgorithmIdentifier hashAlgorithm;
        byte[] certHash;
        IssuerSerial issuerSerial;
        try {
            if (v2 != null) {
                ESSCertIDv2 id = SigningCertificateV2.getInstance(v2.getAttrValues().getObjectAt(0)).getCerts()[0];
                hashAlgorithm = id.getHashAlgorithm();
                certHash = id.getCertHash();
                issuerSerial = id.getIssuerSerial();
            } else if (v1 != null) {
                ESSCertID id = SigningCertificate.getInstance(v1.getAttrValues().getObjectAt(0)).getCerts()[0];
                hashAlgorithm = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1);
                certHash = id.getCertHash();
                issuerSerial = id.getIssuerSerial();
            } else {
                throw TimestampException.mismatch(Check.SIGNER, "signed signing-certificate attribute"
                        + " (RFC 3161 section 2.4.2)", "ESSCertIDv2 or ESSCertID", "none");
            }
        } catch (RuntimeException e) {
            throw TimestampException.failed(Check.SIGNER, "signing-certificate attribute cannot be parsed: "
                    + e.getMessage(), e);
        }
        byte[] trustedHash = digest(hashAlgorithm, trusted);
        if (!MessageDigest.isEqual(trustedHash, certHash)) {
            throw TimestampException.mismatch(Check.SIGNER, "ESSCertID hash (" + hashAlgorithm.getAlgorithm()
                    + ") of the signing certificate", hex(trustedHash) + " (" + describe(trusted) + ")",
                    hex(certHash));
        }
        if (issuerSerial != null && !issuerSerial.getSerial().hasValue(trusted.getSerialNumber())) {
            throw TimestampException.mismatch(Check.SIGNER, "ESSCertID issuerSerial serial number",
                    trusted.getSerialNumber(), issuerSerial.getSerial().getValue());
        }
    }

    private void checkSignature(TimeStampToken token, X509Certificate trusted) throws TimestampException {
        boolean valid;
        try {
            valid = token.isSignatureValid(
                    new JcaSimpleSignerInfoVerifierBuilder().setProvider(provider).build(trusted));
        } catch (TSPException | OperatorCreationException | RuntimeException e) {
            throw TimestampException.failed(Check.SIGNATURE, "signature of the time-stamp token by "
                    + trusted.getSubjectX500Principal().getName() + " does not verify: " + e.getMessage(), e);
        }
        if (!valid) {
            throw TimestampException.mismatch(Check.SIGNATURE, "signature of the time-stamp token",
                    "valid under the key of " + trusted.getSubjectX500Principal().getName(), "invalid");
        }
    }

    private byte[] digest(AlgorithmIdentifier algorithm, X509CertificateHolder certificate)
            throws TimestampException {
        try {
            DigestCalculator calculator = new JcaDigestCalculatorProviderBuilder().setProvider(provider).build()
                    .get(algorithm);
            try (OutputStream out = calculator.getOutputStream()) {
                out.write(certificate.getEncoded());
            }
            return calculator.getDigest();
        } catch (OperatorCreationException | IOException e) {
            throw TimestampException.failed(Check.SIGNER, "cannot hash the TSA certificate with ESSCertID algorithm "
                    + algorithm.getAlgorithm() + ": " + e.getMessage(), e);
        }
    }

    private static X509CertificateHolder holder(X509Certificate certificate) throws TimestampException {
        try {
            return new JcaX509CertificateHolder(certificate);
        } catch (CertificateEncodingException e) {
            throw TimestampException.failed(Check.TSA_CERTIFICATE, "trusted TSA certificate cannot be encoded: "
                    + e.getMessage(), e);
        }
    }

    private static String describe(X509CertificateHolder certificate) {
        return "issuer " + certificate.getIssuer() + ", serial " + certificate.getSerialNumber();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
