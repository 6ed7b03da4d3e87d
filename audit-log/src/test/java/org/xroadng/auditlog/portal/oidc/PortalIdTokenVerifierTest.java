package org.xroadng.auditlog.portal.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.portal.oidc.IdTokenException.Reason;
import org.xroadng.certs.MutableClock;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;

/** ID token checks against a stand-in OpenID Provider (discovery + JWKS over loopback HTTP) with an RSA key. */
class PortalIdTokenVerifierTest {

    private static final String CLIENT = "xroad-portal";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private HttpApiServer idp;
    private String issuer;
    private RSAKey key;
    private OidcIdTokenVerifier verifier;

    @BeforeEach
    void start() throws IOException, JOSEException {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(key.toPublicJWK()));
        AtomicReference<String> self = new AtomicReference<>();
        idp = HttpApiServer.builder("test-idp")
                .route("GET", "/.well-known/openid-configuration", call -> {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("issuer", self.get());
                    doc.put("jwks_uri", self.get() + "/keys");
                    doc.put("authorization_endpoint", self.get() + "/authorize");
                    return HttpReply.json(200, doc);
                })
                .route("GET", "/keys", call -> {
                    jwksFetches.incrementAndGet();
                    return HttpReply.of(200, "application/json",
                            published.get().toString(true).getBytes(StandardCharsets.UTF_8));
                })
                .start();
        issuer = idp.baseUri().toString();
        self.set(issuer);
        verifier = new OidcIdTokenVerifier(issuer, CLIENT, OidcIdTokenVerifier.DEFAULT_ALGORITHMS, clock,
                OidcIdTokenVerifier.DEFAULT_SKEW, HttpClient.newHttpClient(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(issuer).subject("EE38001010001").audience(CLIENT)
                .issueTime(Date.from(NOW.minusSeconds(30))).expirationTime(Date.from(NOW.plusSeconds(570)))
                .claim("nonce", "n-1");
    }

    private static String sign(JWTClaimsSet claims, JWSSigner signer, JWSAlgorithm alg, String kid) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private String rs256(JWTClaimsSet claims) throws JOSEException {
        return sign(claims, new RSASSASigner(key), JWSAlgorithm.RS256, "k1");
    }

    private Reason refusal(String token) {
        return assertThrows(IdTokenException.class, () -> verifier.verify(token)).reason();
    }

    @Test
    void tokenOfTheIssuer_isAcceptedWithItsSubject() throws JOSEException, IdTokenException {
        VerifiedIdToken verified = verifier.verify(rs256(claims().build()));

        assertEquals("EE38001010001", verified.subject().value());
        assertEquals(issuer, verified.issuer());
        assertEquals("n-1", verified.nonce());
    }

    @Test
    void expiredToken_isRefusedAsExpired() throws JOSEException {
        String token = rs256(claims().build());
        clock.advance(Duration.ofMinutes(11));

        IdTokenException e = assertThrows(IdTokenException.class, () -> verifier.verify(token));
        assertEquals(Reason.EXPIRED, e.reason());
        assertTrue(e.getMessage().startsWith("expired: "), e.getMessage());
    }

    @Test
    void expiryWithinTheSkew_isAccepted() throws JOSEException, IdTokenException {
        String token = rs256(claims().build());
        clock.advance(Duration.ofSeconds(570 + 30));

        assertEquals("EE38001010001", verifier.verify(token).subject().value());
    }

    @Test
    void tokenOfAnotherIssuerAndKey_isRefusedAsWrongIssuer() throws JOSEException {
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
        String token = sign(claims().issuer("https://evil.example").build(), new RSASSASigner(other),
                JWSAlgorithm.RS256, "k1");

        assertEquals(Reason.WRONG_ISSUER, refusal(token));
    }

    @Test
    void tokenNamingTheIssuerButSignedByAnotherKey_isRefusedAsBadSignature() throws JOSEException {
        RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();

        assertEquals(Reason.BAD_SIGNATURE, refusal(sign(claims().build(), new RSASSASigner(other), JWSAlgorithm.RS256, "k1")));
    }

    @Test
    void changedPayload_isRefusedAsBadSignature() throws JOSEException {
        String[] parts = rs256(claims().build()).split("\\.");
        String forged = rs256(claims().subject("EE49002020002").build()).split("\\.")[1];

        assertEquals(Reason.BAD_SIGNATURE, refusal(parts[0] + "." + forged + "." + parts[2]));
    }

    @Test
    void unsecuredAlgNone_isRefusedAsAlgorithmNotAllowed() {
        assertEquals(Reason.ALGORITHM_NOT_ALLOWED, refusal(new PlainJWT(claims().build()).serialize()));
    }

    @Test
    void hs256WithThePublicKeyAsSecret_isRefusedAsAlgorithmNotAllowed() throws JOSEException {
        byte[] publicKeyBytes = key.toRSAPublicKey().getEncoded();
        String token = sign(claims().build(), new MACSigner(publicKeyBytes), JWSAlgorithm.HS256, "k1");

        IdTokenException e = assertThrows(IdTokenException.class, () -> verifier.verify(token));
        assertEquals(Reason.ALGORITHM_NOT_ALLOWED, e.reason());
        assertTrue(e.getMessage().contains("HS256"), e.getMessage());
    }

    @Test
    void tokenForAnotherClient_isRefusedAsWrongAudience() throws JOSEException {
        assertEquals(Reason.WRONG_AUDIENCE, refusal(rs256(claims().audience("another-app").build())));
    }

    @Test
    void missingToken_isRefusedAsMissing() {
        assertEquals(Reason.MISSING, refusal(null));
        assertEquals(Reason.MISSING, refusal("  "));
    }

    @Test
    void garbage_isRefusedAsMalformed() {
        assertEquals(Reason.MALFORMED, refusal("not-a-token"));
        assertEquals(Reason.MALFORMED, refusal("abc.def.ghi"));
    }

    @Test
    void tokenWithoutExpiry_isRefused() throws JOSEException {
        assertEquals(Reason.BAD_CLAIMS, refusal(rs256(claims().expirationTime(null).build())));
    }

    @Test
    void tokenIssuedInTheFuture_isRefused() throws JOSEException {
        assertEquals(Reason.BAD_CLAIMS, refusal(rs256(claims().issueTime(Date.from(NOW.plusSeconds(600)))
                .expirationTime(Date.from(NOW.plusSeconds(1200))).build())));
    }

    @Test
    void subjectThatIsNoPersonalCode_isRefused() throws JOSEException {
        assertEquals(Reason.BAD_SUBJECT, refusal(rs256(claims().subject("<script>").build())));
    }

    @Test
    void rotatedKeyWithNewKid_isFetchedAndAccepted() throws JOSEException, IdTokenException {
        verifier.verify(rs256(claims().build()));
        RSAKey next = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(List.of(key.toPublicJWK(), next.toPublicJWK())));

        VerifiedIdToken verified = verifier.verify(sign(claims().build(), new RSASSASigner(next), JWSAlgorithm.RS256, "k2"));

        assertEquals("EE38001010001", verified.subject().value());
        assertEquals(2, jwksFetches.get());
    }

    @Test
    void keysAreCached_betweenTokens() throws JOSEException, IdTokenException {
        verifier.verify(rs256(claims().build()));
        verifier.verify(rs256(claims().build()));

        assertEquals(1, jwksFetches.get());
    }

    @Test
    void unreachableProvider_isReportedAsUnavailable() throws JOSEException {
        String token = rs256(claims().build());
        idp.close();

        assertEquals(Reason.PROVIDER_UNAVAILABLE, refusal(token));
    }

    @Test
    void allowlistWithNoneOrHmac_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> OidcIdTokenVerifier.allowlist(List.of("none")));
        assertThrows(IllegalArgumentException.class, () -> OidcIdTokenVerifier.allowlist(List.of("RS256", "HS256")));
        assertThrows(IllegalArgumentException.class, () -> OidcIdTokenVerifier.allowlist(List.of()));
    }
}
