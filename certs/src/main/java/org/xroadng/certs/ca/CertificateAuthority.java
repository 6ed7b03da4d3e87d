package org.xroadng.certs.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.xroadng.certs.Pem;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.CertificateStatusSource;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.store.Database;

/**
 * A certificate authority in one directory: its settings ({@code ca.yaml}), a PIN-protected
 * software token holding the root, OCSP responder and TSA keys ({@code token.p12}), their
 * certificates ({@code ca.pem}, {@code ocsp.pem}, {@code tsa.pem}) and an H2 database of every
 * certificate issued and its status.
 *
 * <p>Issuance checks the request before anything is stored: a well-formed PKCS#10 whose signature
 * verifies with the key it carries (proof of possession), an EC P-256 key, an identity of the
 * profile's type, and any {@code urn:xroad:} name in the request equal to that identity. The
 * subject name is the CA's choice ({@link CsrBuilder#subjectFor}); the request's is ignored.
 */
public final class CertificateAuthority implements AutoCloseable {

    public static final String TOKEN_FILE = "token.p12";
    public static final String CA_CERT_FILE = "ca.pem";
    public static final String OCSP_CERT_FILE = "ocsp.pem";
    public static final String TSA_CERT_FILE = "tsa.pem";
    static final String DATABASE = "ca";

    private final CaSettings settings;
    private final X509Certificate caCertificate;
    private final X509Certificate ocspCertificate;
    private final X509Certificate tsaCertificate;
    private final SoftwareToken token;
    private final X509Issuer issuer;
    private final CertificateStore store;
    private final Provider provider;
    private final Clock clock;

    private CertificateAuthority(CaSettings settings, SoftwareToken token, X509Certificate caCertificate,
                                 X509Certificate ocspCertificate, X509Certificate tsaCertificate, CertificateStore store,
                                 Provider provider, SecureRandom random, Clock clock) throws TokenException {
        this.settings = settings;
        this.token = token;
        this.caCertificate = caCertificate;
        this.ocspCertificate = ocspCertificate;
        this.tsaCertificate = tsaCertificate;
        this.store = store;
        this.provider = provider;
        this.clock = clock;
        this.issuer = new X509Issuer(caCertificate, token.signingKey(SoftwareToken.keyId(caCertificate.getPublicKey())),
                clock, random);
    }

    /**
     * Creates a CA in {@code dir}: root key and self-signed certificate, then a delegated OCSP
     * responder certificate and a TSA certificate issued by that root. Refuses a directory that
     * already holds a CA.
     */
    public static CertificateAuthority init(Path dir, CaSettings settings, Pin pin, Provider provider,
                                            SecureRandom random, Clock clock) throws CaException {
        if (Files.exists(dir.resolve(CaSettings.FILE)) || Files.exists(dir.resolve(TOKEN_FILE))) {
            throw new CaException("a CA already exists in " + dir + "; choose an empty directory");
        }
        // the database first: one that cannot be reached or refuses the role leaves nothing behind
        CertificateStore store = CertificateStore.open(settings.database(), dir.resolve(DATABASE));
        try {
            Files.createDirectories(dir);
            SoftwareToken token = SoftwareToken.create(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            SigningKey rootKey = token.signingKey(token.generateKey());
            X509Certificate root = X509Issuer.selfSignedRoot(commonName(settings.name()), rootKey,
                    Duration.ofDays(7300), clock, random);
            token.importCertificate(rootKey.keyId(), List.of(root));
            X509Issuer issuer = new X509Issuer(root, rootKey, clock, random);

            SigningKey ocspKey = token.signingKey(token.generateKey());
            X509Certificate ocsp = issuer.issue(commonName(settings.name() + " OCSP Responder"),
                    ocspKey.publicKey(), CertificateKind.OCSP_RESPONDER, Duration.ofDays(730), List.of(), null);
            token.importCertificate(ocspKey.keyId(), List.of(ocsp, root));

            SigningKey tsaKey = token.signingKey(token.generateKey());
            X509Certificate tsa = issuer.issue(commonName(settings.name() + " Time-Stamping Authority"),
                    tsaKey.publicKey(), CertificateKind.TSA, Duration.ofDays(1825), List.of(), null);
            token.importCertificate(tsaKey.keyId(), List.of(tsa, root));

            Files.writeString(dir.resolve(CA_CERT_FILE), Pem.encode(root));
            Files.writeString(dir.resolve(OCSP_CERT_FILE), Pem.encode(ocsp));
            Files.writeString(dir.resolve(TSA_CERT_FILE), Pem.encode(tsa));
            store.insert("ocsp", settings.ocspUrl().toString(), ocsp, clock.instant());
            store.insert("tsa", settings.tsaUrl().toString(), tsa, clock.instant());
            settings.save(dir);
            return new CertificateAuthority(settings, token, root, ocsp, tsa, store, provider, random, clock);
        } catch (IOException | TokenException e) {
            store.close();
            throw new CaException("cannot create the CA in " + dir + ": " + e.getMessage(), e);
        } catch (CaException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Opens the CA in {@code dir}; a wrong PIN or a missing file is a {@link CaException} that says so. */
    public static CertificateAuthority open(Path dir, Pin pin, Provider provider, SecureRandom random, Clock clock)
            throws CaException {
        if (!Files.exists(dir.resolve(CaSettings.FILE))) {
            throw new CaException("no CA in " + dir + " (no " + CaSettings.FILE + "); create one with 'xroad ca init'");
        }
        try {
            CaSettings settings = CaSettings.load(dir);
            SoftwareToken token = SoftwareToken.open(dir.resolve(TOKEN_FILE), pin, provider, random, clock);
            X509Certificate root = Pem.readCertificate(dir.resolve(CA_CERT_FILE));
            X509Certificate ocsp = Pem.readCertificate(dir.resolve(OCSP_CERT_FILE));
            X509Certificate tsa = Pem.readCertificate(dir.resolve(TSA_CERT_FILE));
            CertificateStore store = CertificateStore.open(settings.database(), dir.resolve(DATABASE));
            return new CertificateAuthority(settings, token, root, ocsp, tsa, store, provider, random, clock);
        } catch (ConfigException | TokenException e) {
            throw new CaException(e.getMessage(), e);
        } catch (IOException | CertificateException e) {
            throw new CaException("the CA in " + dir + " is incomplete: " + e.getMessage(), e);
        }
    }

    /** Checks the request (see the class description) and issues, records and returns the certificate. */
    public IssuedCertificate issue(IssueRequest request) throws CaException {
        PKCS10CertificationRequest csr;
        try {
            csr = Pem.csr(request.csr());
        } catch (IOException | IllegalArgumentException e) {
            throw new CaException("malformed CSR: " + e.getMessage());
        }
        verifyProofOfPossession(csr);
        requireP256(csr.getSubjectPublicKeyInfo());
        CertificateProfile profile = request.profile();
        String expectedUri;
        try {
            expectedUri = profile.uriFor(request.identity());
        } catch (IllegalArgumentException e) {
            throw new CaException(e.getMessage());
        }
        List<GeneralName> sans = new ArrayList<>();
        sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, expectedUri));
        Set<GeneralName> hostNames = new LinkedHashSet<>(request.hostNames());
        for (GeneralName requested : requestedNames(csr)) {
            if (requested.getTagNo() == GeneralName.uniformResourceIdentifier) {
                String uri = requested.getName().toString();
                if (!uri.equals(expectedUri)) {
                    throw new CaException("the CSR names " + uri + " but a " + profile + " certificate for "
                            + request.identity().format() + " was asked for (" + expectedUri + ")");
                }
            } else if (requested.getTagNo() == GeneralName.dNSName || requested.getTagNo() == GeneralName.iPAddress) {
                hostNames.add(requested);
            } else {
                throw new CaException("the CSR asks for a subject alternative name of type " + requested.getTagNo()
                        + "; only a urn:xroad: URI, DNS names and IP addresses are allowed");
            }
        }
        if (profile == CertificateProfile.SIGN && !hostNames.isEmpty()) {
            throw new CaException("a sign certificate carries no DNS names or IP addresses; drop them or use profile auth");
        }
        if (profile == CertificateProfile.AUTH && hostNames.isEmpty()) {
            throw new CaException("an auth certificate needs the security server's DNS name or IP address;"
                    + " give one (--dns or --ip) or put it in the CSR");
        }
        sans.addAll(hostNames);
        Duration validity = request.validity() != null ? request.validity() : Duration.ofDays(settings.certificateDays());
        if (validity.isNegative() || validity.isZero() || validity.compareTo(Duration.ofDays(3650)) > 0) {
            throw new CaException("validity must be 1..3650 days, not " + validity.toDays());
        }
        X509Certificate certificate;
        try {
            certificate = issuer.issue(CsrBuilder.subjectFor(request.identity()),
                    new JcaPEMKeyConverter().setProvider(provider).getPublicKey(csr.getSubjectPublicKeyInfo()),
                    profile == CertificateProfile.SIGN ? CertificateKind.MEMBER_SIGN : CertificateKind.SERVER_AUTH,
                    validity, sans, settings.ocspUrl().toString());
        } catch (IOException e) {
            throw new CaException("the CSR's public key cannot be read: " + e.getMessage());
        }
        store.insert(profile.code(), request.identity().format(), certificate, clock.instant());
        return store.find(certificate.getSerialNumber()).orElseThrow();
    }

    /** Revokes a good certificate; an unknown or already revoked serial is refused. */
    public IssuedCertificate revoke(BigInteger serial, RevocationReason reason) throws CaException {
        Optional<IssuedCertificate> existing = store.find(serial);
        if (existing.isEmpty()) {
            throw new CaException("this CA issued no certificate with serial " + serial.toString(16));
        }
        if (existing.get().revoked()) {
            throw new CaException("certificate " + serial.toString(16) + " was already revoked at "
                    + existing.get().revokedAt());
        }
        if (!store.revoke(serial, clock.instant(), reason)) {
            throw new CaException("certificate " + serial.toString(16) + " was revoked meanwhile");
        }
        return store.find(serial).orElseThrow();
    }

    public List<IssuedCertificate> list() throws CaException {
        return store.list();
    }

    public Optional<IssuedCertificate> find(BigInteger serial) throws CaException {
        return store.find(serial);
    }

    /**
     * How many certificates of each kind ({@code sign}, {@code auth}) this CA has issued and how
     * many of them it has revoked, by whichever process (the trust services, an operator's
     * {@code xroad ca issue} or {@code revoke}): both only grow.
     */
    public record IssuedCounts(Map<String, Long> issued, Map<String, Long> revoked) {
        public IssuedCounts {
            issued = Map.copyOf(issued);
            revoked = Map.copyOf(revoked);
        }
    }

    /** How many certificates this CA has issued and revoked, from its database now. */
    public IssuedCounts counts() throws CaException {
        return store.counts();
    }

    /** The status of issued certificates, for the OCSP responder. */
    public CertificateStatusSource statusSource() {
        return store;
    }

    /**
     * The CA's database, for the ACME server's records (tables {@code acme_*}, migration
     * {@code db/ca} V2); certificates are issued only through {@link #issue}.
     */
    public Database database() {
        return store.database();
    }

    public CaSettings settings() {
        return settings;
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    public X509Certificate ocspCertificate() {
        return ocspCertificate;
    }

    public X509Certificate tsaCertificate() {
        return tsaCertificate;
    }

    public SigningKey ocspKey() throws TokenException {
        return token.signingKey(SoftwareToken.keyId(ocspCertificate.getPublicKey()));
    }

    public SigningKey tsaKey() throws TokenException {
        return token.signingKey(SoftwareToken.keyId(tsaCertificate.getPublicKey()));
    }

    @Override
    public void close() {
        store.close();
    }

    private void verifyProofOfPossession(PKCS10CertificationRequest csr) throws CaException {
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(provider)
                    .build(csr.getSubjectPublicKeyInfo()))) {
                throw new CaException("the CSR's signature does not verify with the key it carries (no proof of possession)");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CaException("the CSR's signature cannot be checked: " + e.getMessage());
        }
    }

    private static void requireP256(SubjectPublicKeyInfo key) throws CaException {
        boolean ec = X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
        ASN1Encodable curve = key.getAlgorithm().getParameters();
        if (!ec || !SECObjectIdentifiers.secp256r1.equals(curve)) {
            throw new CaException("the CSR's key is " + (ec ? "EC on curve " + curve : key.getAlgorithm().getAlgorithm())
                    + "; expected an EC P-256 (secp256r1) key");
        }
    }

    private static List<GeneralName> requestedNames(PKCS10CertificationRequest csr) throws CaException {
        List<GeneralName> names = new ArrayList<>();
        try {
            for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                for (ASN1Encodable value : attribute.getAttrValues().toArray()) {
                    GeneralNames sans = GeneralNames.fromExtensions(Extensions.getInstance(value),
                            Extension.subjectAlternativeName);
                    if (sans != null) {
                        names.addAll(List.of(sans.getNames()));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CaException("the CSR's extension request is malformed: " + e.getMessage());
        }
        return names;
    }

    private static X500Name commonName(String name) {
        return new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(name))});
    }
}
