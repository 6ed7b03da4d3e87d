package org.xroadng.certs.ca;

import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.RuntimeOperatorException;
import org.xroadng.certs.Pem;
import org.xroadng.certs.internal.SigningKeyContentSigner;
import org.xroadng.protocol.jws.SigningKey;

/**
 * Builds and signs X.509 v3 certificates (RFC 5280) of a given {@link CertificateKind}. Serial
 * numbers are 128 random bits (positive, at most 20 octets, RFC 5280 section 4.1.2.2); validity
 * starts a minute in the past to tolerate clock skew.
 */
public final class X509Issuer {

    private final X500Name issuerName;
    private final X509Certificate issuerCertificate;
    private final SigningKey issuerKey;
    private final Clock clock;
    private final SecureRandom random;

    /** An issuer for certificates signed by {@code issuerCertificate}'s key. */
    public X509Issuer(X509Certificate issuerCertificate, SigningKey issuerKey, Clock clock, SecureRandom random) {
        this.issuerCertificate = Objects.requireNonNull(issuerCertificate, "issuerCertificate");
        this.issuerName = X500Name.getInstance(issuerCertificate.getSubjectX500Principal().getEncoded());
        this.issuerKey = Objects.requireNonNull(issuerKey, "issuerKey");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A self-signed root CA certificate for {@code key}. */
    public static X509Certificate selfSignedRoot(X500Name name, SigningKey key, Duration validity, Clock clock,
                                                 SecureRandom random) {
        return build(name, name, key.publicKey(), key.publicKey(), key, CertificateKind.ROOT_CA, validity,
                List.of(), null, clock, random);
    }

    /** A self-signed certificate of another kind, such as a token's placeholder before a CA certifies the key. */
    public static X509Certificate selfSigned(X500Name name, CertificateKind kind, SigningKey key, Duration validity,
                                             Clock clock, SecureRandom random) {
        return build(name, name, key.publicKey(), key.publicKey(), key, kind, validity, List.of(), null, clock, random);
    }

    /**
     * Issues a certificate.
     *
     * @param subjectAltNames may be empty
     * @param ocspUrl         put in the AIA extension (RFC 5280 section 4.2.2.1); null for none
     */
    public X509Certificate issue(X500Name subject, PublicKey subjectKey, CertificateKind kind, Duration validity,
                                 List<GeneralName> subjectAltNames, String ocspUrl) {
        return build(issuerName, subject, subjectKey, issuerCertificate.getPublicKey(), issuerKey, kind, validity,
                subjectAltNames, ocspUrl, clock, random);
    }

    public X509Certificate certificate() {
        return issuerCertificate;
    }

    private static X509Certificate build(X500Name issuer, X500Name subject, PublicKey subjectKey,
                                         PublicKey issuerPublicKey, SigningKey signingKey, CertificateKind kind,
                                         Duration validity, List<GeneralName> sans, String ocspUrl,
                                         Clock clock, SecureRandom random) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        BigInteger serial = new BigInteger(128, random).setBit(127);
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial,
                Date.from(now.minus(Duration.ofMinutes(1))), Date.from(now.plus(validity)), subject,
                SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, kind.basicConstraints());
            builder.addExtension(Extension.keyUsage, true, kind.keyUsage());
            if (kind.extendedKeyUsage() != null) {
                builder.addExtension(Extension.extendedKeyUsage, kind.extendedKeyUsageCritical(), kind.extendedKeyUsage());
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey));
            if (!kind.isCa()) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        utils.createAuthorityKeyIdentifier(issuerPublicKey));
            }
            if (!sans.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            if (kind == CertificateKind.OCSP_RESPONDER) {
                builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            }
            if (ocspUrl != null) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        new AccessDescription(AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
            }
            X509CertificateHolder holder = builder.build(new SigningKeyContentSigner(signingKey));
            return Pem.certificate(holder.getEncoded());
        } catch (CertIOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("certificate extensions cannot be encoded", e);
        } catch (java.io.IOException | CertificateException e) {
            throw new IllegalStateException("issued certificate cannot be decoded", e);
        } catch (RuntimeOperatorException e) {
            throw new IllegalStateException("the issuer key failed to sign: " + e.getMessage(), e);
        }
    }
}
