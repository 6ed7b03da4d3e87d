package org.xroadng.securityserver.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.TestDescriptions;
import org.xroadng.securityserver.description.TestWsdl;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * The console's management pages: service descriptions, deleting services and clients, the
 * client requests to the registry, key rotation and deletion, admin API keys. Each: the role's own
 * action works and is audited with user, action, target and outcome; another role's crafted request
 * is refused at the server and changes nothing; bad input is answered next to its field with
 * nothing stored; what operators type comes back escaped.
 */
class OperatorConsoleManagementTest {

    private static final String PASSWORD = ConsoleHarness.PASSWORD;
    private static final SubsystemId POPULATION = ConsoleHarness.POPULATION;
    private static final ServiceId PERSON = ConsoleHarness.PERSON;

    @TempDir
    Path dir;

    private ConsoleHarness harness;

    @BeforeEach
    void start() throws IOException, ServerException, CertificateEncodingException, AccessDeniedException,
            RegistrationException, TokenException, DescriptionException {
        harness = new ConsoleHarness(dir, false);
        harness.addOperators();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void openApiDescriptions_addRefreshDelete_badDocumentsShownByTheField_othersRolesRefused()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser alice = harness.signedIn("alice");
        HttpResponse<String> neither = alice.submit("/descriptions", "/descriptions/openapi",
                Map.of("service", PERSON.format()));
        assertEquals(400, neither.statusCode());
        assertTrue(neither.body().contains("<p id=\"url-error\" class=\"field-error\">Give the description&#39;s"
                + " address, or paste the document."), neither.body());
        HttpResponse<String> invalid = alice.submit("/descriptions", "/descriptions/openapi",
                Map.of("service", PERSON.format(), "content", "openapi: 3.0.3\npaths: <script>x</script>"));
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("id=\"content-error\" class=\"field-error\">This is not a valid OpenAPI 3"
                + " description"), invalid.body());
        assertFalse(invalid.body().contains("<script>x"), "what was pasted comes back escaped");
        assertTrue(harness.home.store().descriptions().isEmpty(), "nothing stored");

        HttpResponse<String> added = alice.submit("/descriptions", "/descriptions/openapi",
                Map.of("service", PERSON.format(), "content", TestDescriptions.PERSON));
        assertEquals(303, added.statusCode(), added.body());
        String page = alice.get("/descriptions?done=done.descriptionAdded").body();
        assertTrue(page.contains("The OpenAPI description was added") && page.contains("<code>GET /person/*</code>"), page);
        assertTrue(page.contains(TestDescriptions.PERSON.getBytes(StandardCharsets.UTF_8).length + " bytes"), page);
        assertEquals("user:alice", harness.lastAudit("serviceDescription.add").actor());
        assertEquals("success", harness.lastAudit("serviceDescription.add").outcome());

        ConsoleHarness.Browser olga = harness.signedIn("olga");
        assertTrue(olga.get("/descriptions").body().contains("<fieldset disabled=\"disabled\">"));
        assertEquals(403, olga.submit("/descriptions", "/descriptions/openapi/delete",
                Map.of("service", PERSON.format())).statusCode());
        assertTrue(harness.lastAudit("serviceDescription.delete").outcome().startsWith("refused: user:olga"));
        assertEquals(1, harness.home.store().descriptions().size());

        assertEquals(303, alice.submit("/descriptions", "/descriptions/openapi/refresh", Map.of(
                "service", PERSON.format(), "content", TestDescriptions.PERSON_V2)).statusCode());
        assertTrue(alice.get("/descriptions").body().contains("GET /person/*/address"));
        assertEquals(303, alice.submit("/descriptions", "/descriptions/openapi/delete",
                Map.of("service", PERSON.format())).statusCode());
        assertTrue(harness.home.store().descriptions().isEmpty());
        assertEquals("success", harness.lastAudit("serviceDescription.delete").outcome());
    }

    @Test
    void wsdlDescriptions_addMakesServices_refreshAndDelete_bothUrlAndContentRefused()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser alice = harness.signedIn("alice");
        String wsdl = TestWsdl.of("http://127.0.0.1:9/soap", "getPerson", "listPersons");
        HttpResponse<String> both = alice.submit("/descriptions", "/descriptions/wsdl", Map.of("provider",
                POPULATION.format(), "wsdlUrl", "http://127.0.0.1:9/wsdl", "wsdlContent", wsdl));
        assertEquals(400, both.statusCode());
        assertTrue(both.body().contains("id=\"wsdlUrl-error\" class=\"field-error\">Give the address or paste the"
                + " document, not both."), both.body());
        HttpResponse<String> notWsdl = alice.submit("/descriptions", "/descriptions/wsdl", Map.of("provider",
                POPULATION.format(), "wsdlContent", "<definitions/>"));
        assertEquals(400, notWsdl.statusCode());
        assertTrue(notWsdl.body().contains("id=\"wsdlContent-error\""), notWsdl.body());
        assertTrue(harness.home.store().wsdls().isEmpty());

        assertEquals(303, alice.submit("/descriptions", "/descriptions/wsdl", Map.of("provider", POPULATION.format(),
                "wsdlContent", wsdl)).statusCode());
        long id = harness.home.store().wsdls().get(0).id();
        assertTrue(harness.home.store().current().service(ServiceId.parse(POPULATION.format() + "/getPerson"))
                .isPresent(), "each operation is a service");
        String page = alice.get("/descriptions").body();
        assertTrue(page.contains("id=\"wsdl-" + id + "\"") && page.contains("listPersons"), page);
        assertEquals(303, alice.submit("/descriptions", "/descriptions/wsdl/refresh", Map.of("id", Long.toString(id),
                "content", TestWsdl.of("http://127.0.0.1:9/soap", "getPerson"))).statusCode());
        assertTrue(harness.home.store().current().service(ServiceId.parse(POPULATION.format() + "/listPersons"))
                .isEmpty());
        assertEquals(400, alice.submit("/descriptions", "/descriptions/wsdl/delete", Map.of("id", "seven"))
                .statusCode());
        assertEquals(303, alice.submit("/descriptions", "/descriptions/wsdl/delete", Map.of("id", Long.toString(id)))
                .statusCode());
        assertTrue(harness.home.store().wsdls().isEmpty());
        assertEquals("user:alice", harness.lastAudit("wsdl.delete").actor());
    }

    @Test
    void serviceAndClientDeletion_andTheClientRequestsToTheRegistry_eachByItsRole()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser rita = harness.signedIn("rita");
        assertEquals(403, rita.submit("/services", "/services/delete", Map.of("service", PERSON.format()))
                .statusCode(), "services are the service administrator's");
        HttpResponse<String> withServices = rita.submit("/clients", "/clients/delete",
                Map.of("client", POPULATION.format()));
        assertEquals(409, withServices.statusCode());
        assertTrue(withServices.body().contains("provides services " + PERSON.format() + "; delete them first"),
                withServices.body());

        ConsoleHarness.Browser alice = harness.signedIn("alice");
        harness.admin.store();
        assertEquals(303, alice.submit("/services", "/services/delete", Map.of("service", PERSON.format()))
                .statusCode());
        assertTrue(harness.home.store().services().isEmpty());
        assertEquals("user:alice", harness.lastAudit("service.delete").actor());
        for (String path : List.of("/clients/disable", "/clients/enable", "/clients/unregister", "/clients/delete")) {
            assertEquals(403, alice.submit("/clients", path, Map.of("client", POPULATION.format())).statusCode(), path);
        }
        assertTrue(harness.lastAudit("client.clientDisable").outcome().startsWith("refused: user:alice"));

        for (String[] step : new String[][] {{"/clients/disable", "clientDisable", "to disable the client"},
                {"/clients/enable", "clientEnable", "to enable the client again"},
                {"/clients/unregister", "clientDeletion", "to unregister the client"}}) {
            HttpResponse<String> filed = rita.submit("/clients", step[0], Map.of("client", POPULATION.format()));
            assertEquals(303, filed.statusCode(), filed.body());
            assertTrue(rita.get(filed.headers().firstValue("Location").orElseThrow()).body().contains(step[2]), step[0]);
            ServerConfStore.AuditEntry audited = harness.lastAudit("client." + step[1]);
            assertEquals("user:rita", audited.actor());
            assertEquals(POPULATION.format(), audited.target());
            assertEquals("success", audited.outcome());
        }
        // once the registry has disabled it, the page says so and offers to enable it again
        var now = harness.clock.instant();
        harness.globalConfiguration = Optional.of(new org.xroadng.protocol.globalconf.GlobalConfiguration("DEMO", 7,
                now, now.plusSeconds(600), List.of(), List.of(), List.of(
                new org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer(harness.home.keys().serverId(),
                        "127.0.0.1:5500", List.of(), List.of(), List.of(POPULATION))), List.of(), List.of(), List.of(),
                new org.xroadng.protocol.globalconf.GlobalConfiguration.Settings(3600, 14400)));
        String clients = rita.get("/clients").body();
        assertTrue(clients.contains("disabled at the registry"), clients);
        assertTrue(clients.contains("action=\"/clients/enable\"") && !clients.contains("action=\"/clients/disable\""),
                clients);
        HttpResponse<String> bad = rita.submit("/clients", "/clients/disable", Map.of("client", "not a client"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("This identifier is not valid"), bad.body());
        assertEquals(303, rita.submit("/clients", "/clients/delete", Map.of("client", POPULATION.format()))
                .statusCode());
        assertTrue(harness.home.store().clients().isEmpty());
    }

    @Test
    void makeOwner_offeredForAnotherMembersRegisteredClient_filedByTheRegistrationOfficer_goneOnceItOwns()
            throws IOException, InterruptedException, AccessDeniedException, ServerException, RegistrationException,
            TokenException, DescriptionException {
        SubsystemId loans = SubsystemId.parse("DEMO/COM/2001/loans");
        harness.admin.addClient(Operator.SYSTEM, loans, LocalClient.IsAuthentication.HTTP, List.of());
        harness.home.store().setRegistered(loans, true);
        harness.home.store().setRegistered(POPULATION, true);
        ConsoleHarness.Browser rita = harness.signedIn("rita");
        String clients = rita.get("/clients").body();
        assertTrue(clients.contains("Owner of this server: DEMO/GOV/1001"), clients);
        assertTrue(clients.contains("name=\"member\" value=\"DEMO/COM/2001\""), clients);
        assertFalse(clients.contains("name=\"member\" value=\"DEMO/GOV/1001\""), "the owner is not offered: " + clients);

        ConsoleHarness.Browser alice = harness.signedIn("alice");
        assertEquals(403, alice.submit("/clients", "/clients/make-owner", Map.of("member", "DEMO/COM/2001"))
                .statusCode());
        HttpResponse<String> bad = rita.submit("/clients", "/clients/make-owner", Map.of("member", loans.format()));
        assertEquals(400, bad.statusCode());
        HttpResponse<String> filed = rita.submit("/clients", "/clients/make-owner", Map.of("member", "DEMO/COM/2001"));
        assertEquals(303, filed.statusCode(), filed.body());
        assertTrue(rita.get(filed.headers().firstValue("Location").orElseThrow()).body()
                .contains("The owner change request was sent to the central registry"));
        ServerConfStore.AuditEntry audited = harness.lastAudit("server.ownerChange");
        assertEquals("user:rita", audited.actor());
        assertEquals("DEMO/COM/2001", audited.target());

        // once the configuration names the bank as owner, the page says so and offers the old owner instead
        var now = harness.clock.instant();
        harness.globalConfiguration = Optional.of(new org.xroadng.protocol.globalconf.GlobalConfiguration("DEMO", 7,
                now, now.plusSeconds(600), List.of(), List.of(), List.of(
                new org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer(harness.home.keys().serverId(),
                        "127.0.0.1:5500", List.of(), List.of(POPULATION, loans), List.of(),
                        org.xroadng.protocol.id.MemberId.parse("DEMO/COM/2001"))), List.of(), List.of(), List.of(),
                new org.xroadng.protocol.globalconf.GlobalConfiguration.Settings(3600, 14400)));
        clients = rita.get("/clients").body();
        assertTrue(clients.contains("Owner of this server: DEMO/COM/2001"), clients);
        assertFalse(clients.contains("name=\"member\" value=\"DEMO/COM/2001\""), clients);
        assertTrue(clients.contains("name=\"member\" value=\"DEMO/GOV/1001\""), clients);
    }

    private X509Certificate certify(String keyId, CertificateProfile profile, org.xroadng.protocol.id.XRoadId identity,
                                    CertificateKind kind) throws IOException, GeneralSecurityException, ServerException,
            TokenException {
        var csr = Pem.csr(harness.home.keys().csr(keyId).getBytes(StandardCharsets.US_ASCII));
        return harness.pki.issuer.issue(new X500Name("CN=" + identity.format()),
                new JcaPKCS10CertificationRequest(csr).getPublicKey(), kind, Duration.ofDays(90),
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, profile.uriFor(identity))),
                "http://127.0.0.1:1/ocsp");
    }

    @Test
    void keys_rotateAndDelete_bySecurityOfficerOnly_keysInUseRefusedSayingWhy_deletionNeedsTheTick()
            throws IOException, InterruptedException, GeneralSecurityException, ServerException, TokenException {
        var keys = harness.home.keys();
        MemberId owner = keys.serverId().owner();
        ConsoleHarness.Browser kim = harness.signedIn("kim");
        HttpResponse<String> notYet = kim.submit("/keys", "/keys/rotate-auth", Map.of());
        assertEquals(409, notYet.statusCode());
        assertTrue(notYet.body().contains("has no certificate yet"), notYet.body());
        HttpResponse<String> badToken = kim.submit("/keys", "/keys/sign-key", Map.of("member", "DEMO/COM/2001",
                "token", "hsm9"));
        assertEquals(400, badToken.statusCode());
        assertTrue(badToken.body().contains("id=\"token-error\" class=\"field-error\">There is no token &#39;hsm9&#39;"),
                badToken.body());

        // the owner's key certified: rotation makes the next key beside it, audited
        keys.importCertificate(List.of(certify(keys.signKeyId(owner).orElseThrow(), CertificateProfile.SIGN, owner,
                CertificateKind.MEMBER_SIGN)));
        String first = keys.signKeyId(owner).orElseThrow();
        HttpResponse<String> rotated = kim.submit("/keys", "/keys/rotate-sign", Map.of("member", owner.format(),
                "token", "software"));
        assertEquals(303, rotated.statusCode(), rotated.body());
        assertEquals(4 - 1, keys.keys().size(), "auth, the certified signing key and its successor");
        assertEquals("user:kim", harness.lastAudit("key.rotateSigning").actor());
        String next = keys.keys().stream().filter(k -> k.identity().equals(owner) && !k.keyId().equals(first))
                .findFirst().orElseThrow().keyId();

        // deletion: the tick is needed, the only certified key is refused, a key not in use goes
        HttpResponse<String> unticked = kim.submit("/keys", "/keys/delete", Map.of("keyId", next));
        assertEquals(400, unticked.statusCode());
        assertTrue(unticked.body().contains("Tick &#39;for good&#39;"), unticked.body());
        HttpResponse<String> only = kim.submit("/keys", "/keys/delete", Map.of("keyId", first, "confirm", "yes"));
        assertEquals(409, only.statusCode());
        assertTrue(only.body().contains("is the only signing key of member " + owner.format()), only.body());
        HttpResponse<String> auth = kim.submit("/keys", "/keys/delete", Map.of("keyId", keys.authKeyId(),
                "confirm", "yes"));
        assertEquals(409, auth.statusCode());
        assertTrue(auth.body().contains("this server&#39;s only authentication key"), auth.body());
        assertTrue(harness.lastAudit("key.delete").outcome().startsWith("failed: key "), harness.lastAudit("key.delete").outcome());

        ConsoleHarness.Browser rita = harness.signedIn("rita");
        assertEquals(403, rita.submit("/keys", "/keys/delete", Map.of("keyId", next, "confirm", "yes")).statusCode());
        assertEquals(403, rita.submit("/keys", "/keys/rotate-sign", Map.of("member", owner.format())).statusCode());
        assertTrue(keys.keys().stream().anyMatch(k -> k.keyId().equals(next)), "still there");

        assertEquals(303, kim.submit("/keys", "/keys/delete", Map.of("keyId", next, "confirm", "yes")).statusCode());
        assertTrue(keys.keys().stream().noneMatch(k -> k.keyId().equals(next)));
        ServerConfStore.AuditEntry deleted = harness.lastAudit("key.delete");
        assertEquals("user:kim", deleted.actor());
        assertEquals(next + " (sign " + owner.format() + ", token software)", deleted.target());
        assertEquals("success", deleted.outcome());
        assertFalse(kim.get("/keys").body().contains("id=\"key-" + next + "\""));

        // the authentication key, certified, is marked in use and may be rotated
        keys.importCertificate(List.of(certify(keys.authKeyId(), CertificateProfile.AUTH, keys.serverId(),
                CertificateKind.SERVER_AUTH), harness.pki.ca.cert()));
        assertTrue(kim.get("/keys").body().contains("in use for TLS"));
        assertEquals(303, kim.submit("/keys", "/keys/rotate-auth", Map.of()).statusCode());
        assertEquals("success", harness.lastAudit("key.rotateAuth").outcome());
    }

    private static String createdKey(String page) {
        Matcher m = Pattern.compile("id=\"created-key-value\">(xsk_[A-Za-z0-9_-]+)<").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no new key in the page: " + page);
        }
        return m.group(1);
    }

    private int apiStatus(String key) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(harness.server.baseUri()
                .resolve("/api/v1/status")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void apiKeys_createdShownOnceWithItsRoles_revokedEndsItsSessions_othersRolesRefused_labelEscaped()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser sam = harness.signedIn("sam");
        int before = harness.home.adminKeys().list().size();
        HttpResponse<String> noLabel = sam.submit("/api-keys", "/api-keys", Map.of("role", "observer"));
        assertEquals(400, noLabel.statusCode());
        assertTrue(noLabel.body().contains("id=\"label-error\""), noLabel.body());
        HttpResponse<String> noRole = sam.submit("/api-keys", "/api-keys", Map.of("label", "monitoring"));
        assertTrue(noRole.body().contains("id=\"role-error\""), noRole.body());
        HttpResponse<String> badRole = sam.submit("/api-keys", "/api-keys", Map.of("label", "x", "role", "root"));
        assertTrue(badRole.body().contains("id=\"role-error\""), badRole.body());
        assertEquals(before, harness.home.adminKeys().list().size(), "nothing stored");

        ConsoleHarness.Browser alice = harness.signedIn("alice");
        assertEquals(403, alice.submit("/api-keys", "/api-keys", Map.of("label", "mine", "role", "observer"))
                .statusCode());
        assertTrue(harness.lastAudit("apiKey.create").outcome().startsWith("refused: user:alice"));
        assertEquals(before, harness.home.adminKeys().list().size());

        String label = "<script>alert(1)</script> monitoring";
        HttpResponse<String> created = sam.submit("/api-keys", "/api-keys", Map.of("label", label, "role", "observer"));
        assertEquals(200, created.statusCode(), "shown on the answering page, not after a redirect");
        assertEquals("no-store", created.headers().firstValue("Cache-Control").orElseThrow());
        String key = createdKey(created.body());
        assertFalse(created.body().contains("<script>alert"), created.body());
        assertTrue(created.body().contains("&lt;script&gt;alert(1)&lt;/script&gt; monitoring"));
        assertFalse(sam.get("/api-keys").body().contains(key), "shown once");
        assertEquals(200, apiStatus(key));
        assertEquals("user:sam", harness.lastAudit("apiKey.create").actor());
        long id = harness.home.adminKeys().list().get(before).id();

        // a console signed in with the key has the key's roles, and ends when the key is revoked
        ConsoleHarness.Browser withKey = harness.browser();
        withKey.get("/login");
        assertEquals(303, withKey.post("/login", Map.of("csrf", withKey.csrf(), "method", "key", "apiKey", key))
                .statusCode());
        assertTrue(withKey.get("/api-keys").body().contains("Your roles let you look at this page"));
        assertEquals(403, alice.submit("/api-keys", "/api-keys/revoke", Map.of("id", Long.toString(id))).statusCode());
        assertEquals(303, sam.submit("/api-keys", "/api-keys/revoke", Map.of("id", Long.toString(id))).statusCode());
        assertEquals(401, apiStatus(key));
        assertEquals(303, withKey.get("/").statusCode(), "signed out at the next request");
        assertEquals("/login", withKey.last.headers().firstValue("Location").orElseThrow());
        assertEquals("success", harness.lastAudit("apiKey.revoke").outcome());
        HttpResponse<String> again = sam.submit("/api-keys", "/api-keys/revoke", Map.of("id", Long.toString(id)));
        assertEquals(400, again.statusCode());
        assertTrue(again.body().contains("no active admin API key " + id), again.body());
    }

    @Test
    void deletedUser_isSignedOutAtTheNextRequest() throws IOException, InterruptedException {
        ConsoleHarness.Browser olga = harness.signedIn("olga");
        assertEquals(200, olga.get("/").statusCode());
        ConsoleHarness.Browser sam = harness.signedIn("sam");
        assertEquals(303, sam.submit("/users", "/users/delete", Map.of("name", "olga")).statusCode());
        assertEquals(303, olga.get("/").statusCode());
    }

    @Test
    void systemAdministrator_setsAPassword_whichLiftsALockOut_tooShortShownByThatUsersRow_othersRefused()
            throws IOException, InterruptedException {
        for (int i = 0; i < ConsoleUsers.MAX_FAILURES; i++) {
            harness.browser().signIn("olga", "wrong password " + i);
        }
        assertEquals(401, harness.browser().signIn("olga", PASSWORD).statusCode(), "locked");
        ConsoleHarness.Browser sam = harness.signedIn("sam");
        HttpResponse<String> tooShort = sam.submit("/users", "/users/password", Map.of("name", "olga", "password", "x"));
        assertEquals(400, tooShort.statusCode());
        assertTrue(tooShort.body().contains("id=\"password-olga-error\" class=\"field-error\">The password must be 10"),
                tooShort.body());
        ConsoleHarness.Browser alice = harness.signedIn("alice");
        assertEquals(403, alice.submit("/users", "/users/password", Map.of("name", "olga", "password",
                "a new passphrase here")).statusCode());
        assertTrue(harness.lastAudit("user.password").outcome().startsWith("refused: user:alice"));

        assertEquals(303, sam.submit("/users", "/users/password", Map.of("name", "olga", "password",
                "a new passphrase here")).statusCode());
        assertEquals(303, harness.browser().signIn("olga", "a new passphrase here").statusCode(), "lock lifted");
        assertEquals("user:sam", harness.lastAudit("user.password").actor());
        assertEquals("success", harness.lastAudit("user.password").outcome());
    }

    @Test
    void auditTrail_pagedFiftyAtATime_aBadPageRefusedSayingWhy() throws IOException, InterruptedException {
        for (int i = 0; i < 60; i++) {
            harness.home.store().record("system", "test.row", "row " + i, ServerConfStore.SUCCESS);
        }
        long total = harness.home.store().auditCount();
        ConsoleHarness.Browser olga = harness.signedIn("olga");
        String first = olga.get("/audit").body();
        assertTrue(first.contains("Page 1 of 2: rows 1 to 50 of " + (total + 1)), first);
        assertTrue(first.contains("<a id=\"page-next\" href=\"/audit?page=2\" rel=\"next\">"), first);
        String second = olga.get("/audit?page=2").body();
        assertTrue(second.contains("id=\"page-prev\"") && second.contains("row 0"), second);
        assertFalse(first.contains(">row 0<"), "the oldest rows are on the second page");
        HttpResponse<String> bad = olga.get("/audit?page=-3");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("is not a page of this list"), bad.body());
    }
}
