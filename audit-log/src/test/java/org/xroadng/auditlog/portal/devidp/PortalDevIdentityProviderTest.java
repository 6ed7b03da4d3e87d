package org.xroadng.auditlog.portal.devidp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.portal.PersonalCode;
import org.xroadng.auditlog.portal.oidc.IdTokenException;
import org.xroadng.auditlog.portal.oidc.OidcIdTokenVerifier;
import org.xroadng.certs.MutableClock;

class PortalDevIdentityProviderTest {

    private static final URI PORTAL = URI.create("http://127.0.0.1:18090/");
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(NOW);
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    @TempDir
    Path keyDir;
    private DevIdentityProvider idp;

    @BeforeEach
    void start() throws IOException {
        idp = DevIdentityProvider.start(new InetSocketAddress("127.0.0.1", 0), null, List.of(PORTAL), keyDir, clock,
                new SecureRandom());
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(idp.issuer() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void discoveryDocument_namesEndpointsAndSaysItIsForDemos() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/.well-known/openid-configuration");

        assertEquals(200, response.statusCode());
        JsonNode doc = JSON.readTree(response.body());
        assertEquals(idp.issuer(), doc.get("issuer").asText());
        assertEquals(idp.issuer() + "/jwks.json", doc.get("jwks_uri").asText());
        assertEquals(idp.issuer() + "/authorize", doc.get("authorization_endpoint").asText());
        assertEquals(idp.issuer() + "/token", doc.get("token_endpoint").asText());
        assertEquals("[\"ES256\"]", doc.get("id_token_signing_alg_values_supported").toString());
        assertEquals("[\"id_token\"]", doc.get("response_types_supported").toString());
        assertEquals(DevIdentityProvider.NOTICE, doc.get("notice").asText());
    }

    @Test
    void jwks_holdsOnlyThePublicKey() throws IOException, InterruptedException, ParseException {
        JWKSet set = JWKSet.parse(get("/jwks.json").body());

        assertEquals(1, set.getKeys().size());
        assertFalse(set.getKeys().get(0).isPrivate());
        assertEquals(idp.publicKey().getKeyID(), set.getKeys().get(0).getKeyID());
    }

    @Test
    void tokenEndpoint_issuesAnIdTokenThePortalAccepts() throws IOException, InterruptedException, IdTokenException {
        HttpResponse<String> response = post("/token", "sub=EE38001010001");

        assertEquals(200, response.statusCode());
        String token = JSON.readTree(response.body()).get("id_token").asText();
        OidcIdTokenVerifier verifier = new OidcIdTokenVerifier(idp.issuer(), DevIdentityProvider.DEFAULT_CLIENT_ID,
                OidcIdTokenVerifier.DEFAULT_ALGORITHMS, clock, OidcIdTokenVerifier.DEFAULT_SKEW, http,
                Duration.ofSeconds(5));
        assertEquals("EE38001010001", verifier.verify(token).subject().value());
        clock.advance(DevIdentityProvider.TOKEN_LIFETIME.plusMinutes(2));
        assertEquals(IdTokenException.Reason.EXPIRED,
                assertThrows(IdTokenException.class, () -> verifier.verify(token)).reason());
    }

    @Test
    void tokenEndpoint_withClientId_setsAudience() throws IOException, InterruptedException, ParseException {
        String token = JSON.readTree(post("/token", "sub=EE38001010001&client_id=other-app&nonce=n1").body())
                .get("id_token").asText();

        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals(List.of("other-app"), jwt.getJWTClaimsSet().getAudience());
        assertEquals("n1", jwt.getJWTClaimsSet().getStringClaim("nonce"));
        assertEquals(idp.issuer(), jwt.getJWTClaimsSet().getIssuer());
        assertEquals(NOW.plus(DevIdentityProvider.TOKEN_LIFETIME), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
    }

    @Test
    void tokenEndpoint_withoutOrWithOtherContentType_is415JsonNamingTheFormType() throws IOException, InterruptedException {
        for (String type : new String[] {null, "application/json", "application/x-www-form-urlencodedx"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(idp.issuer() + "/token"))
                    .POST(HttpRequest.BodyPublishers.ofString("sub=EE38001010001"));
            if (type != null) {
                request.header("Content-Type", type);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(415, response.statusCode(), String.valueOf(type));
            assertTrue(response.body().contains("expected application/x-www-form-urlencoded"), response.body());
        }
    }

    @Test
    void tokenEndpoint_withoutOrWithBadSubject_isRefusedWithJsonMessage() throws IOException, InterruptedException {
        HttpResponse<String> missing = post("/token", "");
        HttpResponse<String> bad = post("/token", "sub=" + enc("<b>x</b>"));

        assertEquals(400, missing.statusCode());
        assertTrue(JSON.readTree(missing.body()).get("message").asText().contains("'sub' is missing"));
        assertEquals(400, bad.statusCode());
        assertTrue(JSON.readTree(bad.body()).get("message").asText().contains("not plausible"));
    }

    @Test
    void authorize_showsALabelledFormAndRedirectsWithTokenAndState()
            throws IOException, InterruptedException, ParseException {
        String query = "?client_id=xroad-portal&redirect_uri=" + enc(PORTAL.toString())
                + "&response_type=id_token&state=s%26t&nonce=n-42&scope=openid";
        HttpResponse<String> form = get("/authorize" + query);

        assertEquals(200, form.statusCode());
        assertTrue(form.body().contains("Development identity provider"), form.body());
        assertTrue(form.body().contains("name=\"state\" value=\"s&amp;t\""), form.body());
        assertTrue(form.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));

        HttpResponse<String> submitted = post("/authorize", "client_id=xroad-portal&redirect_uri=" + enc(PORTAL.toString())
                + "&response_type=id_token&state=" + enc("s&t") + "&nonce=n-42&sub=ee38001010001");

        assertEquals(303, submitted.statusCode());
        String location = submitted.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith(PORTAL + "#id_token="), location);
        assertTrue(location.endsWith("&state=s%26t"), location);
        String token = location.substring(location.indexOf("id_token=") + 9, location.indexOf("&state="));
        SignedJWT jwt = SignedJWT.parse(token);
        assertEquals("EE38001010001", jwt.getJWTClaimsSet().getSubject());
        assertEquals("n-42", jwt.getJWTClaimsSet().getStringClaim("nonce"));
        assertEquals(List.of("xroad-portal"), jwt.getJWTClaimsSet().getAudience());
    }

    @Test
    void authorize_withUnregisteredRedirectUri_isRefusedWithAPageAndNoRedirect()
            throws IOException, InterruptedException {
        String evil = "https://evil.example/steal";
        HttpResponse<String> form = get("/authorize?client_id=xroad-portal&redirect_uri=" + enc(evil)
                + "&response_type=id_token&state=s&nonce=n");
        HttpResponse<String> submitted = post("/authorize", "client_id=xroad-portal&redirect_uri=" + enc(evil)
                + "&response_type=id_token&state=s&nonce=n&sub=EE38001010001");

        for (HttpResponse<String> response : List.of(form, submitted)) {
            assertEquals(400, response.statusCode());
            assertTrue(response.headers().firstValue("Location").isEmpty());
            assertTrue(response.body().contains("is not registered"), response.body());
            assertTrue(response.body().contains(DevIdentityProvider.NOTICE.substring(0, 30)), response.body());
        }
    }

    @Test
    void authorize_withImplausiblePersonalCode_showsTheFormAgainWithAnError() throws IOException, InterruptedException {
        HttpResponse<String> submitted = post("/authorize", "client_id=xroad-portal&redirect_uri=" + enc(PORTAL.toString())
                + "&response_type=id_token&state=s&nonce=n&sub=" + enc("<script>alert(1)</script>"));

        assertEquals(400, submitted.statusCode());
        assertTrue(submitted.body().contains("is not a personal code"), submitted.body());
        assertFalse(submitted.body().contains("<script>alert"), submitted.body());
    }

    @Test
    void authorize_withoutNonceOrWithOtherResponseType_isRefused() throws IOException, InterruptedException {
        String base = "/authorize?client_id=xroad-portal&redirect_uri=" + enc(PORTAL.toString());

        assertEquals(400, get(base + "&response_type=id_token&state=s").statusCode());
        assertEquals(400, get(base + "&response_type=code&state=s&nonce=n").statusCode());
    }

    @Test
    void keyInKeyDirectory_survivesARestart() throws IOException {
        String kid = idp.publicKey().getKeyID();
        String token = idp.issue(new PersonalCode("EE38001010001"), "xroad-portal", null);
        idp.close();

        idp = DevIdentityProvider.start(new InetSocketAddress("127.0.0.1", 0), null, List.of(PORTAL), keyDir, clock,
                new SecureRandom());

        assertEquals(kid, idp.publicKey().getKeyID());
        assertNotNull(token);
    }
}
