package org.xroadng.securityserver.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.accesslog.RestrictedAccessReader;
import org.xroadng.securityserver.description.HttpDescriptionFetcher;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.RecordCipher;
import org.xroadng.securityserver.log.access.AccessLoggingLog;
import org.xroadng.securityserver.log.access.SealedEventCipher;

/**
 * The admin API's side of restricted accesses: access rights that allow them, the inspector's key
 * (the role {@code inspector}, which {@code admin} does not hold), and the inspector's reading,
 * refused to every other role and logged in the access log and the audit trail when allowed.
 */
class RestrictedAccessAdminTest {

    private static final String CITIZEN = "EE38001010001";

    private final TestPki pki = TestPki.create(Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    private ServerHome home;
    private HttpApiServer server;
    private String adminKey;
    private H2AccessLog accessLog;

    @BeforeEach
    void start() throws CertificateEncodingException, IOException, org.xroadng.securityserver.ServerException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        SecurityServerId id = SecurityServerId.parse("DEMO/GOV/1001/ss1");
        ServerHome.Initialized created = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(id, anchor)
                .withDatabase(DatabaseSettings.embedded()), Pin.of("1234"), pki.bc, pki.random, pki.clock);
        home = created.home();
        adminKey = created.adminKey().key();
        accessLog = H2AccessLog.open(DatabaseSettings.embedded(), dir.resolve("accesslog"), new SealedEventCipher(
                new RecordCipher(MessageLogKey.of(new byte[32]), new BouncyCastleProvider(), random)));
        MessageLog log = new AccessLoggingLog(MessageLog.NONE, accessLog, UUID::randomUUID, random);
        RestrictedAccessReader reader = new RestrictedAccessReader(id, accessLog.sealed(), log, Clock.systemUTC(), random);
        ServerAdmin admin = new ServerAdmin(home.keys(), home.store(), home.registrar(), home.adminKeys(),
                new HttpDescriptionFetcher(Duration.ofSeconds(5)));
        server = new AdminApi(home.settings(), home.adminKeys(), admin, Optional::empty, () -> Optional.of(reader))
                .addTo(HttpApiServer.builder("admin-test")).start();
    }

    @AfterEach
    void stop() {
        server.close();
        accessLog.close();
        home.close();
    }

    private record Answer(int status, JsonNode json, String body) {
    }

    private Answer call(String method, String path, Object body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.mapper().writeValueAsBytes(body)))
                .header("Authorization", "Bearer " + key);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null
                : ProtocolJson.mapper().readTree(response.body()), response.body());
    }

    private String inspectorKey() throws IOException, InterruptedException {
        Answer created = call("POST", "/api/v1/api-keys", Map.of("label", "inspector-lan", "roles", List.of("inspector")),
                adminKey);
        assertEquals(201, created.status(), created.body());
        assertEquals(List.of("inspector"), List.of(created.json().path("roles").get(0).asText()));
        return created.json().path("key").asText();
    }

    @Test
    void accessRight_allowingRestrictions_shownAndBadValuesRefusedWithTheField() throws IOException, InterruptedException {
        assertEquals(201, call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/population"), adminKey).status());
        Answer service = call("POST", "/api/v1/services", Map.of("id", "DEMO/GOV/1001/population/person", "url",
                "http://127.0.0.1:9/person"), adminKey);
        assertEquals(201, service.status(), service.body());
        Answer granted = call("POST", "/api/v1/access-rights", Map.of("service", "DEMO/GOV/1001/population/person",
                "subject", "DEMO/GOV/1002/tax", "restrictionAuthority", "police", "restrictionMaxDays", 90), adminKey);
        assertEquals(201, granted.status(), granted.body());
        assertEquals("police", granted.json().path("restrictionAuthority").asText());
        assertEquals(90, granted.json().path("restrictionMaxDays").asInt());
        JsonNode listed = call("GET", "/api/v1/access-rights", null, adminKey).json().get(0);
        assertEquals("police", listed.path("restrictionAuthority").asText(), listed.toString());
        assertEquals(90, home.store().current().accessRights().get(0).restriction().maxDays());

        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("restrictionAuthority", "police", "restrictionMaxDays", 0),
                Map.of("restrictionAuthority", "police", "restrictionMaxDays", 4000),
                Map.of("restrictionAuthority", "Police!", "restrictionMaxDays", 30),
                Map.of("restrictionAuthority", "police"))) {
            Map<String, Object> body = new java.util.HashMap<>(bad);
            body.put("service", "DEMO/GOV/1001/population/person");
            body.put("subject", "DEMO/GOV/1002/bank");
            Answer refused = call("POST", "/api/v1/access-rights", body, adminKey);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertTrue(refused.body().contains("restriction") || refused.body().contains("authority"), refused.body());
        }
    }

    @Test
    void onlyTheInspectorReads_adminAndOtherRolesGet403() throws IOException, InterruptedException {
        Answer asAdmin = call("GET", "/api/v1/restricted-accesses", null, adminKey);
        assertEquals(403, asAdmin.status(), asAdmin.body());
        assertTrue(asAdmin.body().contains("inspector"), asAdmin.body());
        String inspector = inspectorKey();
        assertEquals(200, call("GET", "/api/v1/restricted-accesses", null, inspector).status());
        assertEquals(403, call("POST", "/api/v1/access-rights", Map.of("service", "DEMO/GOV/1001/population/person",
                "subject", "DEMO/GOV/1002/tax"), inspector).status(), "the inspector changes nothing");
        assertEquals(400, call("GET", "/api/v1/restricted-accesses?subject=not%20a%20code", null, inspector).status());
        assertEquals(400, call("POST", "/api/v1/api-keys", Map.of("label", "x", "roles", List.of("nosuch")), adminKey)
                .status());
        assertEquals(403, call("POST", "/api/v1/api-keys", Map.of("label", "x", "roles", List.of("inspector")), inspector)
                .status(), "an inspector makes no keys");
    }

    @Test
    void inspectorsReading_answersTheWholeEvent_loggedAsAnAccessEventAndAudited() throws IOException, InterruptedException {
        byte[] salt = new byte[32];
        random.nextBytes(salt);
        accessLog.append(new AccessEvent("restricted-1", Instant.now(), "provider", SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/" + CITIZEN, "officer-9", "case-77",
                "tax-assessment", List.of(CITIZEN), "q-1", null, "ok", new AccessEvent.Seal(new Restriction("police",
                "CPC-2015-art.88", Instant.now().plus(Duration.ofDays(30))), salt)));
        long before = accessLog.merkleLog().size();
        String inspector = inspectorKey();

        Answer read = call("GET", "/api/v1/restricted-accesses?subject=" + CITIZEN, null, inspector);

        assertEquals(200, read.status(), read.body());
        assertEquals(1, read.json().size(), read.body());
        assertEquals("restricted-1", read.json().get(0).path("eventId").asText());
        assertEquals("officer-9", read.json().get(0).path("event").path("userId").asText());
        assertEquals("case-77", read.json().get(0).path("event").path("issue").asText());
        assertEquals(before + 1, accessLog.merkleLog().size(), "the reading is an access event");
        String reading = new String(accessLog.merkleLog().entry(before), StandardCharsets.UTF_8);
        assertTrue(reading.contains("\"side\":\"oversight\"") && reading.contains("inspector-lan")
                && reading.contains("\"path\":\"/restricted-1\"") && reading.contains("\"subjects\":[\"" + CITIZEN + "\"]")
                && reading.contains("\"service\":\"DEMO/GOV/1001/population/restrictedAccess\""), reading);
        assertTrue(home.store().auditTrail(10, Optional.of("restrictedAccess.read")).stream()
                .anyMatch(e -> e.actor().contains("inspector-lan") && e.target().equals(CITIZEN)), "audited");

        assertEquals(0, call("GET", "/api/v1/restricted-accesses?subject=EE49002020000", null, inspector).json().size());
        assertEquals(before + 1, accessLog.merkleLog().size(), "nothing read, nothing logged");
    }
}
