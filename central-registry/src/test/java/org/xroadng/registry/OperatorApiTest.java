package org.xroadng.registry;

import java.io.IOException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.DatabaseSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.registry.RegistryFixture.Answer;

class OperatorApiTest {

    @TempDir
    Path dir;

    private RegistryFixture registry;

    /** Where the tables are: H2 files here, a PostgreSQL database in {@link OperatorApiPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void start() throws IOException, RegistryException, SigningException {
        registry = new RegistryFixture(dir, Clock.systemUTC(), storage());
        assertEquals(201, registry.admin("POST", "/api/v1/member-classes",
                Map.of("code", "GOV", "description", "Government")).status());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private long memberCount() {
        return registry.admin("GET", "/api/v1/members", null).json().path("total").asLong();
    }

    @Test
    void member_isCreatedReadUpdatedListedAndDeleted() {
        Answer created = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name", "Population Registry"));
        assertEquals(201, created.status(), created.raw().body());
        assertEquals("DEMO/GOV/1001", created.json().path("id").asText());

        assertEquals("Population Registry", registry.admin("GET", "/api/v1/members/DEMO/GOV/1001", null)
                .json().path("name").asText());
        assertEquals("Population Register", registry.admin("PUT", "/api/v1/members/DEMO/GOV/1001",
                Map.of("name", "Population Register")).json().path("name").asText());
        assertEquals(201, registry.admin("POST", "/api/v1/subsystems", Map.of("id", "DEMO/GOV/1001/population")).status());
        JsonNode page = registry.admin("GET", "/api/v1/members?limit=10", null).json();
        assertEquals(1, page.path("total").asInt());
        assertEquals("population", page.path("items").get(0).path("subsystems").get(0).asText());

        assertEquals(409, registry.admin("DELETE", "/api/v1/members/DEMO/GOV/1001", null).status(),
                "a member with subsystems is not deleted");
        assertEquals(204, registry.admin("DELETE", "/api/v1/subsystems/DEMO/GOV/1001/population", null).status());
        assertEquals(204, registry.admin("DELETE", "/api/v1/members/DEMO/GOV/1001", null).status());
        assertEquals(404, registry.admin("GET", "/api/v1/members/DEMO/GOV/1001", null).status());
    }

    @Test
    void unknownMemberClass_isRefusedAndNothingStored() {
        Answer answer = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/XYZ/1001", "name", "X"));
        assertEquals(400, answer.status());
        assertTrue(answer.message().contains("unknown member class XYZ"), answer.message());
        assertEquals(0, memberCount());
    }

    @Test
    void duplicateMember_isAConflict() {
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name", "A"));
        Answer again = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name", "B"));
        assertEquals(409, again.status());
        assertTrue(again.message().contains("already exists"), again.message());
        assertEquals("A", registry.admin("GET", "/api/v1/members/DEMO/GOV/1001", null).json().path("name").asText());
    }

    @Test
    void illegalIdentifierCharacters_areRefusedWithTheCharacterNamed() {
        Answer answer = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/10 01", "name", "X"));
        assertEquals(400, answer.status());
        assertTrue(answer.message().contains("member code '10 01' contains the character U+0020"), answer.message());
        Answer slash = registry.admin("POST", "/api/v1/subsystems", Map.of("id", "DEMO/GOV/1001/a/b"));
        assertEquals(400, slash.status());
        assertEquals(0, memberCount());
    }

    @Test
    void memberOfAnotherInstance_isRefused() {
        Answer answer = registry.admin("POST", "/api/v1/members", Map.of("id", "OTHER/GOV/1001", "name", "X"));
        assertEquals(400, answer.status());
        assertTrue(answer.message().contains("this registry serves DEMO"), answer.message());
    }

    @Test
    void malformedBodies_areRefusedWithWhatWasExpected() {
        Answer notJson = registry.admin("POST", "/api/v1/members", "{not json");
        assertEquals(400, notJson.status());
        assertTrue(notJson.message().contains("not valid JSON"), notJson.message());
        Answer unknownField = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1", "name", "x", "nmae", "y"));
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.message().contains("unknown field 'nmae'; expected fields id, name"), unknownField.message());
        Answer missing = registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1"));
        assertTrue(missing.message().contains("'name' is missing"), missing.message());
        Answer badPaging = registry.admin("GET", "/api/v1/members?limit=0", null);
        assertEquals(400, badPaging.status());
        assertEquals(0, memberCount());
    }

    @Test
    void missingOrWrongApiKey_is401AndAudited() {
        Answer none = registry.call("GET", "/api/v1/members", null, null);
        assertEquals(401, none.status());
        assertEquals("Unauthorized", none.type());
        assertEquals(401, registry.call("POST", "/api/v1/members", "xrk_wrong",
                Map.of("id", "DEMO/GOV/1001", "name", "X")).status());
        assertEquals(0, memberCount());

        JsonNode audit = registry.admin("GET", "/api/v1/audit", null).json().path("items");
        boolean refusedLogged = false;
        for (JsonNode entry : audit) {
            refusedLogged |= entry.path("outcome").asText().equals("refused")
                    && entry.path("actor").asText().equals("anonymous")
                    && entry.path("detail").asText().contains("unknown or revoked API key");
        }
        assertTrue(refusedLogged, audit.toString());
    }

    @Test
    void viewerKey_readsButMayNotWrite() {
        String viewer = registry.key("viewer");
        assertEquals(200, registry.call("GET", "/api/v1/members", viewer, null).status());
        Answer write = registry.call("POST", "/api/v1/members", viewer, Map.of("id", "DEMO/GOV/1001", "name", "X"));
        assertEquals(403, write.status());
        assertTrue(write.message().contains("role viewer may not do this"), write.message());
        assertEquals(0, memberCount());
        JsonNode latest = registry.admin("GET", "/api/v1/audit?limit=5", null).json().path("items");
        boolean logged = false;
        for (JsonNode entry : latest) {
            logged |= entry.path("outcome").asText().equals("refused") && entry.path("actor").asText().contains("viewer");
        }
        assertTrue(logged, latest.toString());
    }

    @Test
    void registrationOfficer_registersMembersButNotTrustAnchors() {
        String officer = registry.key("registration-officer");
        assertEquals(201, registry.call("POST", "/api/v1/members", officer, Map.of("id", "DEMO/GOV/1001", "name", "X")).status());
        assertEquals(403, registry.call("PUT", "/api/v1/settings", officer, Map.of("ocspFreshnessSeconds", 600)).status());
        assertEquals(403, registry.call("POST", "/api/v1/api-keys", officer, Map.of("role", "admin", "label", "x")).status());
    }

    @Test
    void revokedApiKey_isRefused() {
        Answer created = registry.admin("POST", "/api/v1/api-keys", Map.of("role", "viewer", "label", "temp"));
        String key = created.json().path("key").asText();
        assertEquals(200, registry.call("GET", "/api/v1/members", key, null).status());
        assertEquals(204, registry.admin("DELETE", "/api/v1/api-keys/" + created.json().path("id").asLong(), null).status());
        assertEquals(401, registry.call("GET", "/api/v1/members", key, null).status());
        assertFalse(registry.admin("GET", "/api/v1/api-keys", null).raw().body().contains(key), "keys are never listed");
    }

    @Test
    void settings_areValidatedAndPublished() {
        Answer bad = registry.admin("PUT", "/api/v1/settings", Map.of("ocspFreshnessSeconds", 5));
        assertEquals(400, bad.status());
        assertTrue(bad.message().contains("expected a whole number from 60"), bad.message());
        Answer unknown = registry.admin("PUT", "/api/v1/settings", Map.of("colour", "blue"));
        assertTrue(unknown.message().contains("unknown setting 'colour'"), unknown.message());
        Answer good = registry.admin("PUT", "/api/v1/settings", Map.of("ocspFreshnessSeconds", 600,
                "autoApproveClientRegistrations", true));
        assertEquals(200, good.status(), good.raw().body());
        assertEquals(600, good.json().path("ocspFreshnessSeconds").asInt());
    }

    @Test
    void globalGroup_membersMustExist() {
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1000", "name", "Portal agency"));
        registry.admin("POST", "/api/v1/subsystems", Map.of("id", "DEMO/GOV/1000/portal"));
        assertEquals(201, registry.admin("POST", "/api/v1/global-groups",
                Map.of("code", "citizen-portals", "description", "Citizen portals")).status());
        Answer missing = registry.admin("POST", "/api/v1/global-groups/citizen-portals/members", Map.of("id", "DEMO/GOV/9/x"));
        assertEquals(400, missing.status());
        Answer added = registry.admin("POST", "/api/v1/global-groups/citizen-portals/members", Map.of("id", "DEMO/GOV/1000/portal"));
        assertEquals(201, added.status(), added.raw().body());
        assertEquals("DEMO/GOV/1000/portal", added.json().path("members").get(0).asText());
        assertEquals(200, registry.admin("DELETE", "/api/v1/global-groups/citizen-portals/members/DEMO/GOV/1000/portal", null)
                .status());
    }

    @Test
    void approvedCa_mustBeACaCertificate() {
        var pki = org.xroadng.certs.TestPki.create(Clock.systemUTC());
        var leaf = pki.issue("leaf", org.xroadng.certs.ca.CertificateKind.MEMBER_SIGN, java.util.List.of(), null);
        Answer notCa = registry.admin("POST", "/api/v1/certification-authorities",
                Map.of("certificate", org.xroadng.certs.Pem.encode(leaf.cert()), "ocspUrl", "http://127.0.0.1:1/ocsp"));
        assertEquals(400, notCa.status());
        assertTrue(notCa.message().contains("not a CA certificate"), notCa.message());
        Answer garbage = registry.admin("POST", "/api/v1/certification-authorities",
                Map.of("certificate", "hello", "ocspUrl", "http://127.0.0.1:1/ocsp"));
        assertEquals(400, garbage.status());
        Answer ok = registry.admin("POST", "/api/v1/certification-authorities",
                Map.of("certificate", org.xroadng.certs.Pem.encode(pki.ca.cert()), "ocspUrl", "http://127.0.0.1:1/ocsp"));
        assertEquals(201, ok.status(), ok.raw().body());
        assertEquals(409, registry.admin("POST", "/api/v1/certification-authorities",
                Map.of("certificate", org.xroadng.certs.Pem.encode(pki.ca.cert()), "ocspUrl", "http://127.0.0.1:1/ocsp")).status());
    }

    @Test
    void everyChange_publishesAHigherConfigurationVersion() {
        Answer first = registry.call("GET", "/globalconf", null, null);
        assertEquals(200, first.status());
        assertEquals("application/jose", first.raw().headers().firstValue("Content-Type").orElseThrow());
        String etag = first.raw().headers().firstValue("ETag").orElseThrow();
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name", "X"));
        String newer = registry.call("GET", "/globalconf", null, null).raw().headers().firstValue("ETag").orElseThrow();
        assertTrue(Long.parseLong(newer.replace("\"", "")) > Long.parseLong(etag.replace("\"", "")));
    }

    @Test
    void restart_keepsStateAndNeverReusesAConfigurationVersion() throws IOException, RegistryException, SigningException {
        registry.admin("POST", "/api/v1/members", Map.of("id", "DEMO/GOV/1001", "name", "Population Registry"));
        String before = registry.call("GET", "/globalconf", null, null).raw().headers().firstValue("ETag").orElseThrow();
        registry.close();

        registry = RegistryFixture.reopen(registry, Clock.systemUTC());

        assertEquals("Population Registry", registry.admin("GET", "/api/v1/members/DEMO/GOV/1001", null)
                .json().path("name").asText());
        String after = registry.call("GET", "/globalconf", null, null).raw().headers().firstValue("ETag").orElseThrow();
        assertTrue(Long.parseLong(after.replace("\"", "")) > Long.parseLong(before.replace("\"", "")), before + " " + after);
        var notModified = registry.call("GET", "/globalconf", null, null);
        assertEquals(200, notModified.status());
    }

    @Test
    void ifNoneMatch_withCurrentEtag_is304() throws IOException, InterruptedException {
        var first = registry.call("GET", "/globalconf", null, null);
        String etag = first.raw().headers().firstValue("ETag").orElseThrow();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(registry.base + "/globalconf"))
                .header("If-None-Match", etag).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(304, response.statusCode());
        assertEquals(etag, response.headers().firstValue("ETag").orElseThrow());
    }
    @Test
    void transparencyWitnesses_areListedWithAQuorumAndPublishedInTheGlobalConfiguration()
            throws java.io.IOException, org.xroadng.auditlog.note.NoteFormatException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String ombudsman = org.xroadng.auditlog.note.Cosigner.generate("ombudsman.example/witness", random)
                .verifierKey().format();
        String university = org.xroadng.auditlog.note.Cosigner.generate("university.example/witness", random)
                .verifierKey().format();
        Answer added = registry.admin("POST", "/api/v1/witnesses", Map.of("url", "http://127.0.0.1:9001/",
                "verifierKey", ombudsman));
        assertEquals(201, added.status(), added.raw().body());
        assertEquals(1, added.json().path("quorum").asInt(), "the first witness makes the quorum 1");
        assertEquals(201, registry.admin("POST", "/api/v1/witnesses", Map.of("url", "http://127.0.0.1:9002",
                "verifierKey", university)).status());
        assertEquals(200, registry.admin("PUT", "/api/v1/witnesses/quorum", Map.of("quorum", 2)).status());

        String signed = registry.home.registry().publisher().latest().orElseThrow().signed();
        org.xroadng.protocol.globalconf.GlobalConfiguration.Transparency published =
                org.xroadng.protocol.globalconf.GlobalConfigurationCodec.fromJson(java.util.Base64.getUrlDecoder()
                        .decode(signed.split("\\.")[1])).transparency();
        assertEquals(2, published.quorum());
        assertEquals(java.util.List.of("ombudsman.example/witness", "university.example/witness"),
                published.witnesses().stream().map(w -> w.name()).toList());
        assertEquals("http://127.0.0.1:9001", published.witnesses().get(0).url());
        assertEquals(ombudsman, published.witnesses().get(0).verifierKey());

        assertEquals(409, registry.admin("DELETE", "/api/v1/witnesses/ombudsman.example/witness", null).status(),
                "the quorum of 2 still counts it");
        assertEquals(400, registry.admin("PUT", "/api/v1/witnesses/quorum", Map.of("quorum", 3)).status());
        assertEquals(200, registry.admin("PUT", "/api/v1/witnesses/quorum", Map.of("quorum", 1)).status());
        assertEquals(200, registry.admin("DELETE", "/api/v1/witnesses/ombudsman.example/witness", null).status());
        assertEquals(404, registry.admin("DELETE", "/api/v1/witnesses/ombudsman.example/witness", null).status());
    }

    @Test
    void badWitnesses_areRefusedSayingWhatIsExpected() throws org.xroadng.auditlog.note.NoteFormatException {
        String logKey = org.xroadng.auditlog.note.NoteSigner.generate("log.example/log", new java.security.SecureRandom())
                .verifierKey().format();
        Answer wrongType = registry.admin("POST", "/api/v1/witnesses", Map.of("url", "http://127.0.0.1:9001",
                "verifierKey", logKey));
        assertEquals(400, wrongType.status());
        assertTrue(wrongType.raw().body().contains("expected a witness's cosignature/v1 key"), wrongType.raw().body());
        Answer garbled = registry.admin("POST", "/api/v1/witnesses", Map.of("url", "http://127.0.0.1:9001",
                "verifierKey", "w+00000000+AAAA"));
        assertEquals(400, garbled.status());
        Answer badUrl = registry.admin("POST", "/api/v1/witnesses", Map.of("url", "ftp://x",
                "verifierKey", "w+00000000+AAAA"));
        assertEquals(400, badUrl.status());
        assertEquals(0, registry.admin("GET", "/api/v1/witnesses", null).json().path("witnesses").size());
    }
}
