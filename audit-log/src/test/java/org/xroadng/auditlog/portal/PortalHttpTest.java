package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Date;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.portal.devidp.DevIdentityProvider;
import org.xroadng.certs.MutableClock;

class PortalHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(PortalScenario.T0.plus(Duration.ofDays(1)));
    private final HttpClient http = HttpClient.newHttpClient();
    private PortalNetwork network;

    @BeforeEach
    void start() throws IOException {
        PortalScenario scenario = PortalScenario.standard();
        scenario.hanging.add(PortalScenario.SS3);
        network = new PortalNetwork(scenario, clock, Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        network.close();
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(network.portal.baseUri() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String detail) throws IOException {
        assertEquals(401, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("Unauthorized", body.get("type").asText());
        assertEquals(detail, body.get("detail").asText());
        assertTrue(body.get("message").asText().contains(detail), body.toString());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
    }

    @Test
    void eventsWithoutToken_is401Missing() throws IOException, InterruptedException {
        assertRefused(get("/api/v1/events", null), "missing token");
    }

    @Test
    void eventsWithGarbageToken_is401Malformed() throws IOException, InterruptedException {
        assertRefused(get("/api/v1/events", "Bearer garbage"), "malformed token");
    }

    @Test
    void eventsWithOtherScheme_is401Missing() throws IOException, InterruptedException {
        assertRefused(get("/api/v1/events", "Basic dXNlcjpwYXNz"), "missing token");
    }

    @Test
    void eventsWithExpiredToken_is401Expired() throws IOException, InterruptedException {
        String token = network.token(PortalScenario.CITIZEN);
        clock.advance(DevIdentityProvider.TOKEN_LIFETIME.plusMinutes(5));

        assertRefused(get("/api/v1/events", "Bearer " + token), "expired");
    }

    @Test
    void eventsWithTokenForAnotherClient_is401WrongAudience() throws IOException, InterruptedException {
        String token = network.idp.issue(new PersonalCode(PortalScenario.CITIZEN), "another-app", null);

        assertRefused(get("/api/v1/events", "Bearer " + token), "wrong audience");
    }

    @Test
    void eventsWithUnsecuredAlgNoneToken_is401AlgorithmNotAllowed() throws IOException, InterruptedException {
        String token = new PlainJWT(citizenClaims()).serialize();

        assertRefused(get("/api/v1/events", "Bearer " + token), "algorithm not allowed");
    }

    @Test
    void eventsWithHs256TokenKeyedByThePublicKey_is401AlgorithmNotAllowed() throws IOException, InterruptedException,
            JOSEException {
        // the classic key-confusion forgery: HMAC keyed by the provider's published public key
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(network.idp.publicKey().getKeyID()).build(), citizenClaims());
        forged.sign(new MACSigner(network.idp.publicKey().toECPublicKey().getEncoded()));

        assertRefused(get("/api/v1/events", "Bearer " + forged.serialize()), "algorithm not allowed");
    }

    @Test
    void eventsWithTokenFromAnUnknownIssuer_is401WrongIssuer() throws IOException, InterruptedException {
        try (DevIdentityProvider other = DevIdentityProvider.start(new InetSocketAddress("127.0.0.1", 0), null,
                List.of(URI.create(network.portal.baseUri() + "/")), null, clock, new SecureRandom())) {
            String token = other.issue(new PersonalCode(PortalScenario.CITIZEN), DevIdentityProvider.DEFAULT_CLIENT_ID,
                    null);

            assertRefused(get("/api/v1/events", "Bearer " + token), "wrong issuer");
        }
    }

    private JWTClaimsSet citizenClaims() {
        return new JWTClaimsSet.Builder().issuer(network.idp.issuer()).subject(PortalScenario.CITIZEN)
                .audience(DevIdentityProvider.DEFAULT_CLIENT_ID).issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(clock.instant().plus(Duration.ofMinutes(5)))).build();
    }

    @Test
    void eventsWithValidToken_answersTheDesignedShape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/events", "Bearer " + network.token(PortalScenario.CITIZEN));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(PortalScenario.CITIZEN, body.get("subject").asText());
        assertEquals("[\"DEMO/COM/2001/ss3\"]", body.get("unreachable").toString());
        assertEquals(2, body.get("events").size());
        JsonNode event = body.get("events").get(0);
        List<String> names = new ArrayList<>();
        event.fieldNames().forEachRemaining(names::add);
        assertTrue(names.containsAll(List.of("time", "client", "service", "method", "path", "userId", "purpose",
                "queryId", "sides", "verified")), names::toString);
        assertEquals("2026-03-01T10:00:00Z", event.get("time").asText());
        assertEquals("DEMO/GOV/1002/tax", event.get("client").asText());
        assertEquals("DEMO/GOV/1001/population/person", event.get("service").asText());
        assertEquals("GET", event.get("method").asText());
        assertEquals("/person/" + PortalScenario.CITIZEN, event.get("path").asText());
        assertEquals("inspector-7", event.get("userId").asText());
        assertEquals("tax-assessment", event.get("purpose").asText());
        assertEquals("q-2", event.get("queryId").asText());
        assertEquals("[\"consumer\",\"provider\"]", event.get("sides").toString());
        assertTrue(event.get("verified").asBoolean());
        assertTrue(event.get("agree").asBoolean());
    }

    @Test
    void page_isServedWithSecurityHeaders() throws IOException, InterruptedException {
        HttpResponse<String> page = get("/", null);

        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), policy);
        assertTrue(page.body().contains("<script src=\"/portal.js\""));
        assertEquals(200, get("/portal.js", null).statusCode());
        assertEquals(200, get("/portal.css", null).statusCode());
    }

    @Test
    void login_namesTheIdentityProviderAndTheReturnAddress() throws IOException, InterruptedException {
        JsonNode login = JSON.readTree(get("/api/v1/login", null).body());

        assertEquals(network.idp.issuer() + "/authorize", login.get("authorizationEndpoint").asText());
        assertEquals(DevIdentityProvider.DEFAULT_CLIENT_ID, login.get("clientId").asText());
        assertEquals(network.portal.publicUrl() + "/", login.get("redirectUri").asText());
    }

    @Test
    void loginWhileTheIdentityProviderIsDown_is503WithMessage() throws IOException, InterruptedException {
        network.idp.close();

        HttpResponse<String> response = get("/api/v1/login", null);

        assertEquals(503, response.statusCode());
        assertEquals("IdentityProviderUnavailable", JSON.readTree(response.body()).get("type").asText());
    }
}
