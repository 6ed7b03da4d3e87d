package org.xroadng.certs.ocsp;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * A {@link RevocationChecker} that asks the certificate's OCSP responder (RFC 6960) and caches
 * verified answers.
 *
 * <p>Guarantees, beyond those of {@link RevocationChecker}: each request carries a fresh 16-octet
 * random nonce (RFC 8954) whose echo is required, and a SHA-1 CertID (RFC 6960 section 4.1.1, the
 * hash responders are required to support per RFC 5019). The responder is the URL of the access
 * method id-ad-ocsp in the certificate's Authority Information Access extension (RFC 5280 section
 * 4.2.2.1) unless a responder URL is configured. A verified result is reused for the same issuer
 * and serial while it is timely by the clock (no older than the freshness, nextUpdate not passed);
 * after that it is fetched again. Thread-safe; two threads missing the cache at once may both fetch.
 */
public final class OcspClient implements RevocationChecker {

    private static final int NONCE_OCTETS = 16;

    private final OcspTransport transport;
    private final URI responderOverride;
    private final Clock clock;
    private final Duration freshness;
    private final SecureRandom random;
    private final OcspResponseVerifier verifier;
    private final ConcurrentMap<CacheKey, OcspResult> cache = new ConcurrentHashMap<>();

    /** The cache key: the issuer's public key and the certificate's serial. */
    private record CacheKey(String issuerKey, BigInteger serial) {
    }

    /**
     * A client asking the responder named in each certificate's AIA extension.
     *
     * @param freshness the greatest accepted age of a response's thisUpdate (DESIGN.md:
     *                  {@code ocspFreshnessSeconds}); positive
     */
    public OcspClient(OcspTransport transport, Clock clock, Duration freshness, Provider provider,
                      SecureRandom random) {
        this(transport, null, clock, freshness, provider, random);
    }

    /** A client asking {@code responder} about every certificate, whatever its AIA extension says. */
    public OcspClient(OcspTransport transport, URI responder, Clock clock, Duration freshness, Provider provider,
                      SecureRandom random) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.responderOverride = responder;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.freshness = Objects.requireNonNull(freshness, "freshness");
        this.random = Objects.requireNonNull(random, "random");
        this.verifier = new OcspResponseVerifier(Objects.requireNonNull(provider, "provider"), freshness);
    }

    @Override
    public OcspResult check(X509Certificate certificate, X509Certificate issuer) throws OcspException {
        CacheKey key = new CacheKey(Base64.getEncoder().encodeToString(issuer.getPublicKey().getEncoded()),
                certificate.getSerialNumber());
        OcspResult cached = cache.get(key);
        if (cached != null && isTimely(cached, clock.instant())) {
            return cached;
        }
        byte[] nonce = new byte[NONCE_OCTETS];
        random.nextBytes(nonce);
        byte[] request = OcspRequests.build(certificate, issuer, CertificateID.HASH_SHA1, Optional.of(nonce));
        byte[] response = transport.post(responderFor(certificate), request);
        OcspResult result = verifier.verify(response, certificate, issuer, clock.instant(), Optional.of(nonce));
        cache.put(key, result);
        return result;
    }

    private boolean isTimely(OcspResult result, Instant now) {
        try {
            OcspResponseVerifier.requireTimely(result.thisUpdate(), result.nextUpdate(), now, freshness);
            return true;
        } catch (OcspException e) {
            return false;
        }
    }

    private URI responderFor(X509Certificate certificate) throws OcspException {
        if (responderOverride != null) {
            return responderOverride;
        }
        return ocspUrlOf(certificate).orElseThrow(() -> new OcspException("certificate "
                + certificate.getSubjectX500Principal() + " names no OCSP responder: expected an id-ad-ocsp URI"
                + " in its Authority Information Access extension (RFC 5280 section 4.2.2.1); actual none,"
                + " and no responder URL is configured"));
    }

    /** The first id-ad-ocsp URI of the certificate's AIA extension, if any. */
    static Optional<URI> ocspUrlOf(X509Certificate certificate) throws OcspException {
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return Optional.empty();
        }
        AuthorityInformationAccess aia;
        try {
            aia = AuthorityInformationAccess.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        } catch (RuntimeException e) {
            throw new OcspException("certificate " + certificate.getSubjectX500Principal()
                    + ": expected a well-formed Authority Information Access extension; actual it does not parse");
        }
        for (AccessDescription description : aia.getAccessDescriptions()) {
            GeneralName name = description.getAccessLocation();
            if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                    && name.getTagNo() == GeneralName.uniformResourceIdentifier) {
                String url = ASN1IA5String.getInstance(name.getName()).getString();
                try {
                    return Optional.of(new URI(url));
                } catch (URISyntaxException e) {
                    throw new OcspException("certificate " + certificate.getSubjectX500Principal()
                            + ": expected an OCSP responder URI in its AIA extension; actual '" + url + "'");
                }
            }
        }
        return Optional.empty();
    }
}
