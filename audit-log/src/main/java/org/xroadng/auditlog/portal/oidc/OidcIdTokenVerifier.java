package org.xroadng.auditlog.portal.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.http.HttpClient;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.xroadng.auditlog.portal.PersonalCode;
import org.xroadng.auditlog.portal.oidc.IdTokenException.Reason;

/**
 * Verifies ID tokens of one OpenID Provider with Nimbus JOSE+JWT: the provider's metadata is
 * discovered from {@code {issuer}/.well-known/openid-configuration} on first use, its JWK set is
 * fetched from {@code jwks_uri}, cached, and fetched again (rate-limited) when a token names a key
 * id not in the cache, so key rotation needs no restart.
 *
 * <p>Checks, in this order, before anything is trusted: size and form (compact JWS; unsecured
 * {@code alg: none} and encrypted tokens refused), algorithm in the allowlist (asymmetric only:
 * an HMAC algorithm would let anyone who knows the public key forge tokens), issuer exactly the
 * configured one, then the signature (Nimbus {@link DefaultJWTProcessor} with a
 * {@link JWSVerificationKeySelector} limited to the allowlist), then the claims: {@code aud}
 * contains the client id, {@code exp} present and not passed, {@code iat} present and not in the
 * future, each with {@link #DEFAULT_SKEW} of tolerance by the injected clock; {@code sub} a
 * plausible {@link PersonalCode}. Thread-safe.
 */
public final class OidcIdTokenVerifier implements IdTokenVerifier {

    /** The algorithms allowed when none are configured. */
    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");
    /** Tolerance for clocks that differ between the identity provider and the portal. */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(60);
    /** Asymmetric JWS algorithms (RFC 7518 section 3.1) that may be allowed; HMAC and none never. */
    private static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final String issuer;
    private final String clientId;
    private final Set<JWSAlgorithm> algorithms;
    private final Clock clock;
    private final Duration skew;
    private final HttpClient http;
    private final Duration timeout;
    private volatile Discovered discovered;

    private record Discovered(ProviderMetadata metadata, DefaultJWTProcessor<SecurityContext> processor) {
    }

    /**
     * @param issuer     the issuer identifier, compared exactly with the discovery document's and each token's {@code iss}
     * @param clientId   the portal's client id, which each token's {@code aud} must contain
     * @param algorithms allowed JWS algorithm names, a subset of RS/PS/ES 256/384/512
     * @param timeout    for each request to the identity provider
     */
    public OidcIdTokenVerifier(String issuer, String clientId, List<String> algorithms, Clock clock, Duration skew,
                               HttpClient http, Duration timeout) {
        this.issuer = requireText(issuer, "issuer");
        this.clientId = requireText(clientId, "clientId");
        this.algorithms = allowlist(algorithms);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skew = Objects.requireNonNull(skew, "skew");
        if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("clock skew is " + skew + "; expected 0 to 5 minutes");
        }
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Checks each name against the asymmetric algorithms; refuses {@code none}, HS* and unknown names. */
    public static Set<JWSAlgorithm> allowlist(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("the list of allowed algorithms is empty; expected some of "
                    + String.join(", ", new java.util.TreeSet<>(ASYMMETRIC)));
        }
        Set<JWSAlgorithm> out = new LinkedHashSet<>();
        for (String name : names) {
            if (!ASYMMETRIC.contains(name)) {
                throw new IllegalArgumentException("algorithm '" + name + "' may not be allowed; expected some of "
                        + String.join(", ", new java.util.TreeSet<>(ASYMMETRIC))
                        + " (never none or an HMAC algorithm)");
            }
            out.add(JWSAlgorithm.parse(name));
        }
        return Set.copyOf(out);
    }

    /** The provider's metadata, discovered on first use; for the sign-in page's authorization endpoint. */
    public ProviderMetadata metadata() throws IdTokenException {
        return discovered().metadata();
    }

    @Override
    public VerifiedIdToken verify(String idToken) throws IdTokenException {
        if (idToken == null || idToken.isBlank()) {
            throw new IdTokenException(Reason.MISSING, "no ID token was presented; sign in first");
        }
        if (idToken.length() > MAX_TOKEN_CHARS) {
            throw new IdTokenException(Reason.MALFORMED, "the token is longer than " + MAX_TOKEN_CHARS + " characters");
        }
        SignedJWT signed = parse(idToken.trim());
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw new IdTokenException(Reason.ALGORITHM_NOT_ALLOWED, "the token is signed with " + alg
                    + "; allowed: " + names());
        }
        String claimedIssuer = unverifiedIssuer(signed);
        if (!issuer.equals(claimedIssuer)) {
            throw new IdTokenException(Reason.WRONG_ISSUER, "the token is issued by '" + claimedIssuer
                    + "'; this portal trusts only '" + issuer + "'");
        }
        JWTClaimsSet claims;
        try {
            claims = discovered().processor().process(signed, null);
        } catch (KeySourceException e) {
            throw new IdTokenException(Reason.PROVIDER_UNAVAILABLE, "the identity provider's keys cannot be fetched: "
                    + e.getMessage(), e);
        } catch (BadJOSEException | JOSEException e) {
            throw new IdTokenException(Reason.BAD_SIGNATURE, "the signature does not verify with any current key of '"
                    + issuer + "'", e);
        }
        return checkClaims(claims);
    }

    private VerifiedIdToken checkClaims(JWTClaimsSet claims) throws IdTokenException {
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw new IdTokenException(Reason.WRONG_AUDIENCE, "the token is meant for " + audience
                    + "; expected an audience containing '" + clientId + "'");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new IdTokenException(Reason.BAD_CLAIMS, "the token has no expiry (exp)");
        }
        if (!now.isBefore(exp.toInstant().plus(skew))) {
            throw new IdTokenException(Reason.EXPIRED, "the token expired at " + exp.toInstant() + "; sign in again");
        }
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw new IdTokenException(Reason.BAD_CLAIMS, "the token has no issue time (iat)");
        }
        if (iat.toInstant().isAfter(now.plus(skew))) {
            throw new IdTokenException(Reason.BAD_CLAIMS, "the token is issued at " + iat.toInstant()
                    + ", in the future; check the clocks of the portal and the identity provider");
        }
        String sub = claims.getSubject();
        if (sub == null) {
            throw new IdTokenException(Reason.BAD_CLAIMS, "the token has no subject (sub)");
        }
        if (!PersonalCode.isPlausible(sub)) {
            throw new IdTokenException(Reason.BAD_SUBJECT, "the token's subject is not a personal code such as"
                    + " EE38001010001");
        }
        Object nonce = claims.getClaim("nonce");
        return new VerifiedIdToken(new PersonalCode(sub), issuer, exp.toInstant(),
                nonce instanceof String text ? text : null);
    }

    private static SignedJWT parse(String token) throws IdTokenException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new IdTokenException(Reason.MALFORMED, "the token is not a compact JWS (header.payload.signature)", e);
        }
        if (jwt instanceof PlainJWT) {
            throw new IdTokenException(Reason.ALGORITHM_NOT_ALLOWED, "the token is unsecured (alg: none)");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw new IdTokenException(Reason.MALFORMED, "the token is encrypted; expected a signed JWS");
        }
        return signed;
    }

    private static String unverifiedIssuer(SignedJWT signed) throws IdTokenException {
        try {
            return signed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw new IdTokenException(Reason.MALFORMED, "the token's payload is not a JSON object of claims", e);
        }
    }

    private Discovered discovered() throws IdTokenException {
        Discovered current = discovered;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (discovered == null) {
                ProviderMetadata metadata = ProviderMetadata.discover(issuer, http, timeout);
                discovered = new Discovered(metadata, processor(metadata));
            }
            return discovered;
        }
    }

    private DefaultJWTProcessor<SecurityContext> processor(ProviderMetadata metadata) throws IdTokenException {
        URL jwks;
        try {
            jwks = metadata.jwksUri().toURL();
        } catch (MalformedURLException e) {
            throw new IdTokenException(Reason.PROVIDER_UNAVAILABLE, "jwks_uri " + metadata.jwksUri()
                    + " is not a URL", e);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(jwks,
                        new DefaultResourceRetriever(millis, millis, 256 * 1024))
                .retrying(false)
                .build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
        // Claims are checked by checkClaims with the injected clock, after the signature.
        processor.setJWTClaimsSetVerifier((claims, context) -> {
        });
        return processor;
    }

    private String names() {
        return String.join(", ", algorithms.stream().map(JWSAlgorithm::getName).sorted().toList());
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value;
    }
}
