package org.xroadng.securityserver.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.cert.CertificateEncodingException;
import org.xroadng.securityserver.ServerException;
import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.xroadng.securityserver.conf.ServerConfStore;
import java.util.Map;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.description.TestDescriptions;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

class AdminApiTest {

    private final TestPki pki = TestPki.create(Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Where the server's tables are: H2 files here, a PostgreSQL database in {@link AdminApiPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    private ServerHome home;
    private HttpApiServer server;
    private String key;

    /** A registration that the registry refuses, to show the refusal is passed through. */
    private static final class RefusingRegistration implements Registration {
        @Override
        public Filed register() throws RegistrationException {
            throw new RegistrationException(RegistrationException.Kind.REFUSED, 409, "Conflict", "already pending");
        }

        @Override
        public Filed registerClient(SubsystemId client) {
            return new Filed(7, "clientReg", "pending");
        }

        @Override
        public Filed changeClient(String type, SubsystemId client) {
            return new Filed(8, type, "approved");
        }

        @Override
        public Filed deleteAuthCertificate(Optional<X509Certificate> certificate) {
            return new Filed(9, "authCertDeletion", "approved");
        }

        @Override
        public Filed changeAddress(String address) {
            return new Filed(10, "addressChange", "pending");
        }

        @Override
        public Filed changeOwner(org.xroadng.protocol.id.MemberId newOwner) {
            return new Filed(11, "ownerChange", "pending");
        }
    }

    @BeforeEach
    void start() throws CertificateEncodingException, IOException, ServerException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        ServerHome.Initialized created = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(
                SecurityServerId.parse("DEMO/GOV/1001/ss1"), anchor).withDatabase(storage()), Pin.of("1234"), pki.bc,
                pki.random, pki.clock);
        home = created.home();
        key = created.adminKey().key();
        server = new AdminApi(home.settings(), home.keys(), home.store(), home.adminKeys(), new RefusingRegistration())
                .addTo(HttpApiServer.builder("admin-test")).start();
    }

    @AfterEach
    void stop() {
        server.close();
        home.close();
    }

    private record Answer(int status, JsonNode json) {
        String message() {
            return json == null ? "" : json.path("message").asText();
        }
    }

    private Answer call(String method, String path, Object body, String apiKey) throws IOException, InterruptedException, JsonProcessingException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(ProtocolJson.mapper().writeValueAsBytes(body)));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isEmpty() ? null : ProtocolJson.mapper().readTree(response.body()));
    }

    private Answer call(String method, String path, Object body) throws IOException, InterruptedException, JsonProcessingException {
        return call(method, path, body, key);
    }

    @Test
    void noOrWrongKey_isUnauthorized() throws IOException, InterruptedException, JsonProcessingException {
        assertEquals(401, call("GET", "/api/v1/status", null, null).status());
        assertEquals(401, call("GET", "/api/v1/clients", null, "xsk_wrong").status());
        assertEquals(401, call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/x"), "xsk_wrong").status());
        assertEquals(0, home.store().clients().size());
    }

    @Test
    void ownerChange_isFiledWithANewOwner_andBadInputIsA400NamingTheField()
            throws IOException, InterruptedException, JsonProcessingException {
        Answer filed = call("POST", "/api/v1/management-requests",
                Map.of("type", "ownerChange", "newOwner", "DEMO/COM/2001"));
        assertEquals(202, filed.status(), String.valueOf(filed.json()));
        assertEquals("ownerChange", filed.json().path("type").asText());
        assertEquals("pending", filed.json().path("status").asText());

        Answer notAMember = call("POST", "/api/v1/management-requests",
                Map.of("type", "ownerChange", "newOwner", "DEMO/GOV/1001/ss1"));
        assertEquals(400, notAMember.status());
        assertTrue(notAMember.message().contains("newOwner"), notAMember.message());
        Answer missing = call("POST", "/api/v1/management-requests", Map.of("type", "ownerChange"));
        assertEquals(400, missing.status());
        assertTrue(missing.message().contains("newOwner"), missing.message());
        Answer mixed = call("POST", "/api/v1/management-requests",
                Map.of("type", "ownerChange", "newOwner", "DEMO/COM/2001", "client", "DEMO/COM/2001/loans"));
        assertEquals(400, mixed.status());
        assertEquals("field 'client' does not belong to a ownerChange request; expected only 'type' and 'newOwner'",
                mixed.message());
        Answer audit = call("GET", "/api/v1/audit", null);
        assertTrue(audit.json().toString().contains("server.ownerChange"), audit.json().toString());
    }

    @Test
    void statusAndKeys_describeTheServer() throws IOException, InterruptedException, JsonProcessingException {
        Answer status = call("GET", "/api/v1/status", null);
        assertEquals("DEMO/GOV/1001/ss1", status.json().path("serverId").asText());
        assertEquals("DEMO/GOV/1001", status.json().path("owner").asText());
        assertEquals(false, status.json().path("authCertificate").asBoolean());
        Answer keys = call("GET", "/api/v1/keys", null);
        assertEquals(2, keys.json().size());
        Answer signKey = call("POST", "/api/v1/sign-keys", Map.of("member", "DEMO/GOV/1002"));
        assertEquals(201, signKey.status());
        assertTrue(signKey.json().path("csr").asText().startsWith("-----BEGIN CERTIFICATE REQUEST-----"));
    }

    @Test
    void deleteKey_aKeyNotInUseGoes_theAuthKeyInUseIsAConflict_anObserverIsForbidden_allAudited()
            throws IOException, InterruptedException, JsonProcessingException {
        String keyId = call("POST", "/api/v1/sign-keys", Map.of("member", "DEMO/GOV/1002")).json().path("keyId").asText();
        String observer = home.adminKeys().create("monitoring", java.util.EnumSet.of(Role.OBSERVER)).key();

        Answer forbidden = call("DELETE", "/api/v1/keys/" + keyId, null, observer);
        assertEquals(403, forbidden.status());
        Answer auth = call("DELETE", "/api/v1/keys/" + home.keys().authKeyId(), null);
        assertEquals(409, auth.status());
        assertTrue(auth.message().contains("this server's only authentication key"), auth.message());
        assertEquals(400, call("DELETE", "/api/v1/keys/not-a-key", null).status());
        assertEquals(404, call("DELETE", "/api/v1/keys/00ff", null).status());
        assertEquals(3, call("GET", "/api/v1/keys", null).json().size(), "nothing deleted yet");

        assertEquals(204, call("DELETE", "/api/v1/keys/" + keyId, null).status());
        assertEquals(2, call("GET", "/api/v1/keys", null).json().size());
        List<ServerConfStore.AuditEntry> audit = home.store().auditTrail(10, Optional.of("key.delete"));
        assertEquals("success", audit.get(0).outcome());
        assertEquals(keyId + " (sign DEMO/GOV/1002, token software)", audit.get(0).target());
        assertTrue(audit.get(1).outcome().startsWith("failed: no key 00ff") || audit.get(1).outcome().startsWith("failed:"),
                audit.get(1).outcome());
        assertTrue(audit.stream().anyMatch(e -> e.outcome().startsWith("refused: api-key:")), audit.toString());
    }

    @Test
    void apiKeys_createdOnceListedWithoutTheKeyRevoked_onlyBySystemAdministrators()
            throws IOException, InterruptedException, JsonProcessingException {
        Answer created = call("POST", "/api/v1/api-keys", Map.of("label", "monitoring", "roles", List.of("observer")));
        assertEquals(201, created.status());
        String made = created.json().path("key").asText();
        assertTrue(made.startsWith("xsk_"), made);
        assertEquals("[\"observer\"]", created.json().path("roles").toString());
        assertEquals(200, call("GET", "/api/v1/status", null, made).status());
        Answer listed = call("GET", "/api/v1/api-keys", null, made);
        assertEquals(200, listed.status(), "anyone reads the list");
        assertFalse(listed.toString().contains(made), "never the key itself");
        assertEquals(403, call("POST", "/api/v1/api-keys", Map.of("label", "mine", "roles", List.of("security-officer")),
                made).status(), "an observer makes no keys");
        assertEquals(400, call("POST", "/api/v1/api-keys", Map.of("label", " ", "roles", List.of("observer"))).status());
        assertEquals(400, call("POST", "/api/v1/api-keys", Map.of("label", "x", "roles", List.of("root"))).status());

        long id = created.json().path("id").asLong();
        assertEquals(204, call("DELETE", "/api/v1/api-keys/" + id, null).status());
        assertEquals(401, call("GET", "/api/v1/status", null, made).status());
        assertEquals(404, call("DELETE", "/api/v1/api-keys/" + id, null).status());
        assertTrue(call("GET", "/api/v1/api-keys", null).json().get(1).path("revokedAt").isTextual());
        assertEquals("success", home.store().auditTrail(2, Optional.of("apiKey.revoke")).get(1).outcome());
        Answer newest = call("GET", "/api/v1/audit?limit=2", null);
        Answer skipped = call("GET", "/api/v1/audit?limit=1&offset=1", null);
        assertEquals(newest.json().get(1).path("id").asLong(), skipped.json().get(0).path("id").asLong());
        assertEquals(400, call("GET", "/api/v1/audit?offset=-1", null).status());

        // the key 'server init' printed is the only holder of system-administrator here: it stays
        long initId = call("GET", "/api/v1/api-keys", null).json().get(0).path("id").asLong();
        Answer last = call("DELETE", "/api/v1/api-keys/" + initId, null);
        assertEquals(409, last.status());
        assertTrue(last.message().contains("is the last user or active admin API key with the system-administrator"
                + " role"), last.message());
        assertEquals(200, call("GET", "/api/v1/status", null).status(), "still active");
    }

    @Test
    void wsdlDescriptions_addListRefreshDelete_andRefusals() throws IOException, InterruptedException,
            JsonProcessingException {
        assertEquals(201, call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/population")).status());
        String wsdl = org.xroadng.securityserver.description.TestWsdl.of("http://127.0.0.1:9000/soap", "personSoap");

        Answer added = call("POST", "/api/v1/wsdl-descriptions", Map.of("provider", "DEMO/GOV/1001/population",
                "content", wsdl, "personalData", true));
        assertEquals(201, added.status(), added.json().toString());
        assertEquals("uploaded", added.json().path("source").asText());
        assertEquals("[\"personSoap\"]", added.json().path("services").toString());
        long id = added.json().path("id").asLong();
        assertEquals(1, call("GET", "/api/v1/wsdl-descriptions", null).json().size());
        assertTrue(call("GET", "/api/v1/services", null).json().toString().contains("personSoap"));

        Answer refreshed = call("POST", "/api/v1/wsdl-descriptions/refresh", Map.of("id", id, "content",
                wsdl.replace("personSoap", "homeSoap")));
        assertEquals(200, refreshed.status(), refreshed.json().toString());
        assertEquals("[\"homeSoap\"]", refreshed.json().path("added").toString());
        assertEquals("[\"personSoap\"]", refreshed.json().path("removed").toString());

        Answer both = call("POST", "/api/v1/wsdl-descriptions", Map.of("provider", "DEMO/GOV/1001/population",
                "content", wsdl, "url", "http://is.example/x.wsdl"));
        assertEquals(400, both.status());
        assertTrue(both.message().contains("not both"), both.message());
        Answer bad = call("POST", "/api/v1/wsdl-descriptions", Map.of("provider", "DEMO/GOV/1001/population",
                "content", wsdl.replace("personSoap", "bad code")));
        assertEquals(400, bad.status());
        assertEquals("InvalidServiceDescription", bad.json().path("type").asText(), bad.json().toString());
        assertTrue(bad.message().contains("line 8: operation 'bad code'"), bad.message());
        assertEquals(400, call("POST", "/api/v1/wsdl-descriptions/refresh", Map.of("content", wsdl)).status());
        assertEquals(400, call("DELETE", "/api/v1/wsdl-descriptions/abc", null).status());

        assertEquals(204, call("DELETE", "/api/v1/wsdl-descriptions/" + id, null).status());
        assertEquals(404, call("DELETE", "/api/v1/wsdl-descriptions/" + id, null).status());
        assertFalse(call("GET", "/api/v1/services", null).json().toString().contains("Soap"));
    }

    @Test
    void crud_clientsServicesAccessRightsAndLocalGroups() throws IOException, InterruptedException, JsonProcessingException {
        assertEquals(201, call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/population")).status());
        Answer service = call("POST", "/api/v1/services", Map.of("id", "DEMO/GOV/1001/population/person",
                "url", "http://127.0.0.1:9000/person", "timeoutSeconds", 10, "personalData", true));
        assertEquals(201, service.status(), service.message());
        assertEquals(201, call("POST", "/api/v1/local-groups", Map.of("code", "auditors", "description", "Auditors")).status());
        assertEquals(201, call("POST", "/api/v1/local-groups/auditors/members", Map.of("id", "DEMO/GOV/1002/tax")).status());
        Answer right = call("POST", "/api/v1/access-rights", Map.of("service", "DEMO/GOV/1001/population/person",
                "subject", "local:auditors", "method", "GET", "path", "/*", "purposes", List.of("audit")));
        assertEquals(201, right.status(), right.message());

        assertEquals(1, call("GET", "/api/v1/access-rights", null).json().size());
        assertEquals(List.of("DEMO/GOV/1002/tax").toString(), "[" + call("GET", "/api/v1/local-groups", null).json()
                .get(0).path("members").get(0).asText() + "]");
        Answer updated = call("PUT", "/api/v1/services/DEMO/GOV/1001/population/person", Map.of("enabled", false));
        assertEquals(false, updated.json().path("enabled").asBoolean());
        assertEquals(10, updated.json().path("timeoutSeconds").asInt());
        assertEquals(204, call("DELETE", "/api/v1/access-rights/" + right.json().path("id").asLong(), null).status());
        assertEquals(200, call("DELETE", "/api/v1/local-groups/auditors/members/DEMO/GOV/1002/tax", null).status());
        assertEquals(204, call("DELETE", "/api/v1/services/DEMO/GOV/1001/population/person", null).status());
        assertEquals(204, call("DELETE", "/api/v1/clients/DEMO/GOV/1001/population", null).status());
        assertEquals(0, call("GET", "/api/v1/clients", null).json().size());
    }

    @Test
    void badRequests_sayWhatIsWrong() throws IOException, InterruptedException, JsonProcessingException {
        Answer badId = call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001"));
        assertEquals(400, badId.status());
        assertTrue(badId.message().contains("INSTANCE/CLASS/MEMBER/SUBSYSTEM"), badId.message());
        Answer unknownField = call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/a", "colour", "red"));
        assertTrue(unknownField.message().contains("unknown field 'colour'"), unknownField.message());
        Answer badMode = call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/a", "isAuthentication", "tls"));
        assertTrue(badMode.message().contains("expected http or https"), badMode.message());
        Answer badSubject = call("POST", "/api/v1/access-rights", Map.of("service", "DEMO/GOV/1001/a/b", "subject", "x:y"));
        assertEquals(400, badSubject.status());
        Answer noService = call("POST", "/api/v1/access-rights", Map.of("service", "DEMO/GOV/1001/a/b", "subject", "local:x"));
        assertEquals(404, noService.status(), noService.message());
        Answer badCert = call("POST", "/api/v1/certificates", Map.of("certificate", "not pem"));
        assertEquals(400, badCert.status());
        assertEquals(404, call("DELETE", "/api/v1/clients/DEMO/GOV/1001/none", null).status());
    }

    @Test
    void registration_passesTheRegistrysAnswerThrough() throws IOException, InterruptedException, JsonProcessingException {
        Answer refused = call("POST", "/api/v1/registration", null);
        assertEquals(409, refused.status());
        assertEquals("already pending", refused.message());
        Answer filed = call("POST", "/api/v1/client-registrations", Map.of("client", "DEMO/GOV/1001/population"));
        assertEquals(202, filed.status());
        assertEquals("pending", filed.json().path("status").asText());
    }

    private static final String DESCRIPTION_V1 = TestDescriptions.PERSON;
    private static final String DESCRIPTION_V2 = TestDescriptions.PERSON_V2;

    private void addPersonService() throws IOException, InterruptedException, JsonProcessingException {
        assertEquals(201, call("POST", "/api/v1/clients", Map.of("id", "DEMO/GOV/1001/population")).status());
        assertEquals(201, call("POST", "/api/v1/services", Map.of("id", "DEMO/GOV/1001/population/person",
                "url", "http://127.0.0.1:9000/person")).status());
    }

    @Test
    void badServiceDescription_isA400NamingTheParsersMessages_andNothingIsStored()
            throws IOException, InterruptedException, JsonProcessingException {
        addPersonService();
        Answer bad = call("POST", "/api/v1/service-descriptions", Map.of("service", "DEMO/GOV/1001/population/person",
                "content", "openapi: 3.0.3\ninfo: {title: t}\npaths:\n  /person:\n    get: {summary: s}\n"));

        assertEquals(400, bad.status(), bad.message());
        assertEquals("InvalidServiceDescription", bad.json().path("type").asText());
        assertTrue(bad.message().contains("attribute info.version is missing"), bad.message());
        assertTrue(bad.message().contains("paths.'/person'(get).responses"), bad.message());
        assertEquals(0, call("GET", "/api/v1/service-descriptions", null).json().size());
        assertTrue(home.store().current().descriptions().isEmpty());

        Answer both = call("POST", "/api/v1/service-descriptions", Map.of("service", "DEMO/GOV/1001/population/person",
                "content", DESCRIPTION_V1, "url", "http://127.0.0.1:1/x"));
        assertEquals(400, both.status());
        assertTrue(both.message().contains("not both"), both.message());
    }

    @Test
    void serviceDescriptionFromUrl_refreshReportsEndpointsAddedAndRemoved()
            throws IOException, InterruptedException, JsonProcessingException {
        WireMockServer is = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        is.start();
        try {
            addPersonService();
            is.stubFor(get("/openapi.yaml").willReturn(aResponse().withStatus(200).withBody(DESCRIPTION_V1)));
            Answer added = call("POST", "/api/v1/service-descriptions", Map.of("service",
                    "DEMO/GOV/1001/population/person", "url", is.baseUrl() + "/openapi.yaml"));
            assertEquals(201, added.status(), added.message());
            assertEquals(List.of("GET /file/*.json", "DELETE /person/*", "GET /person/*", "POST /person/search"),
                    endpoints(added.json().path("endpoints")));
            assertEquals(is.baseUrl() + "/openapi.yaml", added.json().path("source").asText());

            is.stubFor(get("/openapi.yaml").willReturn(aResponse().withStatus(200).withBody(DESCRIPTION_V2)));
            Answer refreshed = call("POST", "/api/v1/service-descriptions/refresh",
                    Map.of("service", "DEMO/GOV/1001/population/person"));
            assertEquals(200, refreshed.status(), refreshed.message());
            assertEquals(List.of("GET /person/*/address"), endpoints(refreshed.json().path("added")));
            assertEquals(List.of("GET /file/*.json", "DELETE /person/*", "POST /person/search"),
                    endpoints(refreshed.json().path("removed")));
            assertEquals(DESCRIPTION_V2, new String(home.store().current()
                    .description(org.xroadng.protocol.id.ServiceId.parse("DEMO/GOV/1001/population/person"))
                    .orElseThrow().content(), java.nio.charset.StandardCharsets.UTF_8));

            is.stubFor(get("/openapi.yaml").willReturn(aResponse().withStatus(404)));
            Answer gone = call("POST", "/api/v1/service-descriptions/refresh",
                    Map.of("service", "DEMO/GOV/1001/population/person"));
            assertEquals(502, gone.status(), gone.message());
            assertEquals("ServiceDescriptionUnavailable", gone.json().path("type").asText());
            assertTrue(gone.message().contains("404"), gone.message());

            assertEquals(204, call("DELETE", "/api/v1/service-descriptions/DEMO/GOV/1001/population/person", null)
                    .status());
            assertEquals(0, call("GET", "/api/v1/service-descriptions", null).json().size());
        } finally {
            is.stop();
        }
    }

    private static List<String> endpoints(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(e -> out.add(e.path("method").asText() + " " + e.path("path").asText()));
        return out;
    }
}
