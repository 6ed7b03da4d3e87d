package org.xroadng.securityserver.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.web.BundleMessages;
import org.xroadng.auditlog.web.ConsoleLanguage;
import org.xroadng.auditlog.web.ConsoleSessions;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.registration.RegistrationException;
import org.xroadng.certs.token.TokenException;

/**
 * The console over HTTP as a browser speaks it: sessions and their cookies, CSRF tokens, sign-in
 * with lock-out, roles enforced on the server whatever the page shows, escaping, field messages.
 */
class OperatorConsoleTest {

    private static final String PASSWORD = "correct horse battery";
    private static final SubsystemId POPULATION = SubsystemId.parse("DEMO/GOV/1001/population");

    @TempDir
    Path dir;

    private ConsoleHarness harness;

    @BeforeEach
    void start() throws IOException, ServerException, CertificateEncodingException, AccessDeniedException,
            RegistrationException, TokenException, DescriptionException {
        harness = new ConsoleHarness(dir, false);
        ConsoleUsers users = harness.home.adminKeys().users();
        users.add("alice", PASSWORD, EnumSet.of(Role.SERVICE_ADMINISTRATOR));
        users.add("olga", PASSWORD, EnumSet.of(Role.OBSERVER));
        users.add("rita", PASSWORD, EnumSet.of(Role.REGISTRATION_OFFICER));
        users.add("sam", PASSWORD, EnumSet.of(Role.SYSTEM_ADMINISTRATOR));
        harness.admin.addClient(Operator.SYSTEM, POPULATION, LocalClient.IsAuthentication.HTTP, List.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private List<ServerConfStore.AuditEntry> audit(String action) {
        return harness.home.store().auditTrail(100, Optional.of(action));
    }

    /** A new browser signed in as {@code user}. */
    private ConsoleHarness.Browser signedIn(String user) throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.get("/login");
        assertEquals(303, browser.post("/login", Map.of("csrf", browser.csrf(), "user", user, "password", PASSWORD))
                .statusCode());
        return browser;
    }

    @Test
    void certificateNearingExpiry_shownOnTheDashboardDaysAhead_inBothLanguages_thenExpired()
            throws IOException, InterruptedException, GeneralSecurityException, ServerException, TokenException {
        assertTrue(signedIn("olga").get("/").body().contains("None of this server&#39;s certificates expires within"
                + " 30 days."), "no certificate yet");
        var keys = harness.home.keys();
        var csr = Pem.csr(keys.csr(keys.authKeyId()).getBytes(StandardCharsets.US_ASCII));
        X509Certificate auth = harness.pki.issuer.issue(new X500Name("CN=DEMO/GOV/1001/ss1"),
                new JcaPKCS10CertificationRequest(csr).getPublicKey(), CertificateKind.SERVER_AUTH, Duration.ofDays(40),
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier,
                        CertificateProfile.AUTH.uriFor(SecurityServerId.parse("DEMO/GOV/1001/ss1")))),
                "http://127.0.0.1:1/ocsp");
        keys.importCertificate(List.of(auth, harness.pki.ca.cert()));
        assertTrue(signedIn("olga").get("/").body().contains("None of this server&#39;s certificates expires"),
                "40 days left: not yet");

        harness.clock.advance(Duration.ofDays(15).plusHours(1));
        String english = signedIn("olga").get("/").body();
        assertTrue(english.contains("Authentication certificate") && english.contains("in 24 days"), english);
        assertTrue(english.contains("serial " + auth.getSerialNumber().toString(16)), english);
        ConsoleHarness.Browser vietnamese = signedIn("olga");
        vietnamese.acceptLanguage = "vi";
        String vi = vietnamese.get("/").body();
        assertTrue(vi.contains("Chứng thư xác thực") && vi.contains("còn 24 ngày"), vi);

        harness.clock.advance(Duration.ofDays(25));
        String expired = signedIn("olga").get("/").body();
        assertTrue(expired.contains("expired on"), expired);
    }

    @Test
    void signIn_opensANewHttpOnlyStrictSessionAndShowsTheDashboard() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        HttpResponse<String> login = browser.get("/login");
        assertEquals(200, login.statusCode());
        String anonymous = browser.cookies.get("xroad-console");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"), cookie);
        assertFalse(cookie.contains("Secure"), "no TLS on this port: " + cookie);

        HttpResponse<String> signedIn = browser.post("/login", Map.of("csrf", browser.csrf(), "user", "alice",
                "password", PASSWORD));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        assertEquals("/", signedIn.headers().firstValue("Location").orElseThrow());
        String session = browser.cookies.get("xroad-console");
        assertNotEquals(anonymous, session, "a sign-in opens a new session: the one seen before never signs in");
        assertTrue(signedIn.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly; SameSite=Strict"));

        HttpResponse<String> dashboard = browser.get("/");
        assertEquals(200, dashboard.statusCode());
        assertTrue(dashboard.body().contains("Signed in: alice (service-administrator)"), dashboard.body());
        assertTrue(dashboard.body().contains("id=\"card-exchanges\""), dashboard.body());
        assertTrue(dashboard.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        assertEquals("success", audit("console.signIn").get(0).outcome());

        // the session id seen before sign-in is worth nothing
        ConsoleHarness.Browser thief = harness.browser();
        thief.cookies.put("xroad-console", anonymous);
        assertEquals(303, thief.get("/services").statusCode());
        assertEquals("/login", thief.last.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void secureCookies_whenTheAdminPortSpeaksTls() throws IOException, InterruptedException, ServerException,
            CertificateEncodingException {
        try (ConsoleHarness tls = new ConsoleHarness(dir.resolve("tls"), true)) {
            HttpResponse<String> login = tls.browser().get("/login");
            assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow()
                    .endsWith("; HttpOnly; SameSite=Strict; Secure"), login.headers().toString());
        }
    }

    @Test
    void postsWithoutTheSessionsCsrfToken_areRefusedAndStoreNothing() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        Map<String, String> service = Map.of("provider", POPULATION.format(), "code", "person", "url",
                "http://127.0.0.1:9/person", "timeoutSeconds", "30");

        HttpResponse<String> none = browser.post("/services", service);
        assertEquals(403, none.statusCode());
        assertTrue(none.body().contains("did not come from a page of this console"), none.body());

        java.util.HashMap<String, String> wrong = new java.util.HashMap<>(service);
        wrong.put("csrf", "not-the-token");
        assertEquals(403, browser.post("/services", wrong).statusCode());

        // another session's token does not do either
        ConsoleHarness.Browser other = harness.browser();
        other.signIn("alice", PASSWORD);
        other.get("/services");
        wrong.put("csrf", other.csrf());
        assertEquals(403, browser.post("/services", wrong).statusCode());

        assertTrue(harness.home.store().services().isEmpty(), "nothing stored");
        List<ServerConfStore.AuditEntry> refusals = audit("console.post");
        assertEquals(3, refusals.size());
        assertTrue(refusals.get(0).outcome().contains("CSRF"), refusals.get(0).outcome());
        assertEquals("user:alice", refusals.get(0).actor());

        // the sign-in form needs its token too (login CSRF)
        ConsoleHarness.Browser fresh = harness.browser();
        assertEquals(403, fresh.post("/login", Map.of("user", "alice", "password", PASSWORD)).statusCode());
        assertFalse(fresh.cookies.containsKey("xroad-console"));
    }

    @Test
    void wrongPasswords_areCountedAuditedAndLockTheUserOutUntilTheLockEnds() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        for (int i = 1; i < ConsoleUsers.MAX_FAILURES; i++) {
            HttpResponse<String> refused = browser.signIn("alice", "wrong password " + i);
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("Wrong user name or password."), refused.body());
        }
        HttpResponse<String> fifth = browser.signIn("alice", "wrong password 5");
        assertTrue(fifth.body().contains("this user is now locked for 15 minutes"), fifth.body());

        HttpResponse<String> right = browser.signIn("alice", PASSWORD);
        assertEquals(401, right.statusCode(), "locked: even the right password is refused");
        assertTrue(right.body().contains("locked after too many wrong passwords"), right.body());
        assertFalse(harness.browser().signIn("alice", PASSWORD).statusCode() == 303);

        List<ServerConfStore.AuditEntry> attempts = audit("console.signIn");
        assertEquals(7, attempts.size());
        assertEquals("refused: wrong password (1 of 5)", attempts.get(6).outcome());
        assertEquals("refused: wrong password (5 of 5); locked for 15 minutes", attempts.get(2).outcome());
        assertTrue(attempts.get(0).outcome().startsWith("refused: locked until 2026-03-01T09:15:00Z"),
                attempts.get(0).outcome());
        assertEquals("alice", attempts.get(0).target());

        harness.advance(Duration.ofMinutes(16));
        assertEquals(303, harness.browser().signIn("alice", PASSWORD).statusCode(), "the lock has ended");

        // an unknown name is audited too, and tells nothing more than a wrong password
        HttpResponse<String> unknown = harness.browser().signIn("mallory", PASSWORD);
        assertEquals(401, unknown.statusCode());
        assertTrue(unknown.body().contains("Wrong user name or password."));
        assertEquals("refused: unknown user or wrong password", audit("console.signIn").get(0).outcome());
    }

    @Test
    void failuresOutsideTheWindow_doNotAddUp() throws IOException, InterruptedException {
        for (int i = 0; i < ConsoleUsers.MAX_FAILURES - 1; i++) {
            harness.browser().signIn("alice", "wrong password " + i);
        }
        harness.advance(ConsoleUsers.WINDOW.plusSeconds(1));
        harness.browser().signIn("alice", "wrong again");
        assertEquals(303, harness.browser().signIn("alice", PASSWORD).statusCode());
    }

    @Test
    void observer_seesThePagesButEveryChangeIsRefusedOnThePageAndAtTheServer()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        assertEquals(303, browser.signIn("olga", PASSWORD).statusCode());
        for (String page : List.of("/", "/services", "/descriptions", "/access-rights", "/clients", "/local-groups",
                "/keys", "/message-log", "/users", "/api-keys", "/audit")) {
            HttpResponse<String> shown = browser.get(page);
            assertEquals(200, shown.statusCode(), page);
        }
        HttpResponse<String> services = browser.get("/services");
        assertTrue(services.body().contains("Your roles let you look at this page but not change it."));
        assertTrue(services.body().contains("<fieldset disabled=\"disabled\">"), "the form cannot be sent");

        HttpResponse<String> crafted = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "person", "url", "http://127.0.0.1:9/person"));
        assertEquals(403, crafted.statusCode());
        assertTrue(crafted.body().contains("your roles do not allow this change"), crafted.body());
        assertTrue(harness.home.store().services().isEmpty());
        ServerConfStore.AuditEntry refusal = audit("service.add").get(0);
        assertEquals("user:olga", refusal.actor());
        assertTrue(refusal.outcome().startsWith("refused: user:olga may not service.add"), refusal.outcome());
    }

    @Test
    void aRegistrationOfficerCraftingAServiceAdministratorsRequest_isRefused() throws IOException,
            InterruptedException, ServerException, AccessDeniedException, RegistrationException, TokenException,
            DescriptionException {
        harness.admin.addService(Operator.SYSTEM, org.xroadng.protocol.id.ServiceId.parse(POPULATION.format() + "/person"),
                URI.create("http://127.0.0.1:9/person"), 30, true);
        ConsoleHarness.Browser rita = harness.browser();
        rita.signIn("rita", PASSWORD);
        HttpResponse<String> grant = rita.submit("/access-rights", "/access-rights", Map.of(
                "service", POPULATION.format() + "/person", "subject", "DEMO/GOV/1002/tax"));
        assertEquals(403, grant.statusCode());
        assertTrue(harness.home.store().accessRights().isEmpty());
        // her own role's action works
        assertEquals(303, rita.submit("/clients", "/clients", Map.of("client", "DEMO/GOV/1001/archive")).statusCode());
        assertEquals("user:rita", audit("client.add").get(0).actor());
        // registrations are audited, with who filed them
        assertEquals(303, rita.submit("/clients", "/clients/register", Map.of("client", "DEMO/GOV/1001/archive"))
                .statusCode());
        assertEquals(303, rita.submit("/keys", "/keys/register", Map.of()).statusCode());
        assertEquals("user:rita", audit("client.register").get(0).actor());
        assertEquals("success", audit("server.register").get(0).outcome());
        // and key work is not hers
        assertEquals(403, rita.submit("/keys", "/keys/sign-key", Map.of("member", "DEMO/COM/2001")).statusCode());
        assertEquals(2, harness.home.keys().keys().size(), "no key made");

        // and the admin API applies the same roles to keys
        String observerKey = harness.home.adminKeys().create("monitoring", EnumSet.of(Role.OBSERVER)).key();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(harness.server.baseUri().resolve("/api/v1/local-groups"))
                .header("Authorization", "Bearer " + observerKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"auditors\",\"description\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, api.statusCode(), api.body());
        assertTrue(api.body().contains("\"Forbidden\""), api.body());
        assertEquals(200, http.send(HttpRequest.newBuilder(harness.server.baseUri().resolve("/api/v1/local-groups"))
                .header("Authorization", "Bearer " + observerKey).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "an observer key reads");
        assertTrue(harness.home.store().localGroups().isEmpty());
    }

    @Test
    void serviceAdministrator_addsAServiceAndGrantsAccess_auditedWithUserActionTargetOutcome()
            throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        HttpResponse<String> added = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "person", "url", "http://127.0.0.1:9/person", "timeoutSeconds", "20", "personalData", "on"));
        assertEquals(303, added.statusCode(), added.body());
        assertTrue(browser.get(added.headers().firstValue("Location").orElseThrow()).body()
                .contains("The service was added."));
        HttpResponse<String> granted = browser.submit("/access-rights", "/access-rights", Map.of(
                "service", POPULATION.format() + "/person", "subject", "DEMO/GOV/1002/tax", "method", "GET",
                "path", "/person/*", "purposes", "tax-assessment"));
        assertEquals(303, granted.statusCode(), granted.body());

        assertEquals(1, harness.home.store().services().size());
        assertEquals(20, harness.home.store().services().get(0).timeout().toSeconds());
        assertTrue(harness.home.store().services().get(0).personalData());
        assertEquals(Set.of("tax-assessment"), harness.home.store().accessRights().get(0).right().purposes());
        ServerConfStore.AuditEntry grant = audit("accessRight.grant").get(0);
        assertEquals("user:alice", grant.actor());
        assertTrue(grant.target().contains("DEMO/GOV/1002/tax"), grant.target());
        assertEquals("success", grant.outcome());

        HttpResponse<String> disabled = browser.submit("/services", "/services/update", Map.of(
                "service", POPULATION.format() + "/person", "enabled", "false"));
        assertEquals(303, disabled.statusCode());
        assertFalse(harness.home.store().services().get(0).enabled());
        assertTrue(browser.get("/audit").body().contains("accessRight.grant"));
    }

    @Test
    void badFormInput_showsAMessageNextToTheFieldAndStoresNothing() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        HttpResponse<String> timeout = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "person", "url", "http://127.0.0.1:9/person", "timeoutSeconds", "soon"));
        assertEquals(400, timeout.statusCode());
        assertTrue(timeout.body().contains("<p id=\"timeoutSeconds-error\" class=\"field-error\">Give a whole number of"
                + " seconds from 1 to 600 (you gave &#39;soon&#39;).</p>"), timeout.body());
        assertTrue(timeout.body().contains("aria-describedby=\"timeoutSeconds-error\""));
        assertTrue(timeout.body().contains("value=\"person\""), "what was typed stays in the form");

        HttpResponse<String> url = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "person", "url", "ftp://127.0.0.1/person"));
        assertTrue(url.body().contains("id=\"url-error\""), url.body());
        HttpResponse<String> code = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "per son", "url", "http://127.0.0.1:9/person"));
        assertTrue(code.body().contains("id=\"code-error\""), code.body());
        HttpResponse<String> empty = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "url", "http://127.0.0.1:9/person"));
        assertTrue(empty.body().contains("<p id=\"code-error\" class=\"field-error\">Fill in this field.</p>"));
        assertTrue(harness.home.store().services().isEmpty());

        browser.acceptLanguage = "vi-VN,vi;q=0.9";
        HttpResponse<String> subject = browser.submit("/access-rights", "/access-rights", Map.of(
                "service", POPULATION.format() + "/person", "subject", "tax board"));
        assertEquals(400, subject.statusCode());
        assertTrue(subject.body().contains("id=\"subject-error\" class=\"field-error\">Hãy nhập một hệ thống con"),
                subject.body());
        HttpResponse<String> group = browser.submit("/local-groups", "/local-groups", Map.of("code", "auditors"));
        assertTrue(group.body().contains("<p id=\"description-error\" class=\"field-error\">Hãy điền vào ô này.</p>"),
                group.body());
        assertTrue(harness.home.store().accessRights().isEmpty());
        assertTrue(harness.home.store().localGroups().isEmpty());
    }

    @Test
    void markupInANameOrDescription_isRenderedAsText() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        String script = "<script>alert('x')</script>";
        assertEquals(303, browser.submit("/local-groups", "/local-groups", Map.of("code", "auditors",
                "description", script)).statusCode());
        HttpResponse<String> page = browser.get("/local-groups");
        assertFalse(page.body().contains(script), page.body());
        assertTrue(page.body().contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), page.body());
        HttpResponse<String> refused = browser.submit("/services", "/services", Map.of("provider", POPULATION.format(),
                "code", "<script>x</script>", "url", "http://127.0.0.1:9/a"));
        assertFalse(refused.body().contains("<script>x"), "what was typed comes back escaped too");
        assertTrue(refused.body().contains("&lt;script&gt;x"));
    }

    @Test
    void language_followsTheBrowserAndTheSwitchWhichIsRemembered() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.acceptLanguage = "vi-VN,vi;q=0.9,en;q=0.5";
        HttpResponse<String> vi = browser.get("/login");
        assertTrue(vi.body().contains("<html lang=\"vi\">"), vi.body());
        assertTrue(vi.body().contains("Đăng nhập") && vi.body().contains("Mật khẩu"));
        HttpResponse<String> en = browser.get("/login?lang=en");
        assertTrue(en.body().contains("<html lang=\"en\">") && en.body().contains("Password"));
        browser.post("/login", Map.of("csrf", browser.csrf(), "user", "alice", "password", PASSWORD));
        assertTrue(browser.get("/").body().contains("Exchanges since start"), "the switch is remembered");
    }

    @Test
    void signInWithAnAdminApiKey_givesTheKeysRoles() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.get("/login");
        HttpResponse<String> wrong = browser.post("/login", Map.of("csrf", browser.csrf(), "method", "key",
                "apiKey", "xsk_not-a-key"));
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> signedIn = browser.post("/login", Map.of("csrf", browser.csrf(), "method", "key",
                "apiKey", harness.adminKey));
        assertEquals(303, signedIn.statusCode());
        HttpResponse<String> keys = browser.get("/keys");
        assertTrue(keys.body().contains("Download CSR"), "an existing key holds every role");
        assertEquals("refused: unknown or revoked API key", audit("console.signInWithKey").get(1).outcome());
        assertEquals("success", audit("console.signInWithKey").get(0).outcome());
    }

    @Test
    void signOut_endsTheSession() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        String session = browser.cookies.get("xroad-console");
        browser.get("/");
        assertEquals(303, browser.post("/logout", Map.of("csrf", browser.csrf())).statusCode());
        ConsoleHarness.Browser replay = harness.browser();
        replay.cookies.put("xroad-console", session);
        assertEquals(303, replay.get("/").statusCode());
    }

    @Test
    void idleSessions_expire() throws IOException, InterruptedException {
        ConsoleHarness.Browser browser = harness.browser();
        browser.signIn("alice", PASSWORD);
        assertEquals(200, browser.get("/").statusCode());
        harness.advance(ConsoleSessions.IDLE.plusSeconds(1));
        assertEquals(303, browser.get("/").statusCode());
    }

    @Test
    void bundles_holdTheSameKeysInBothLanguages() {
        BundleMessages messages = BundleMessages.of(OperatorConsole.class);
        assertEquals(messages.keys(ConsoleLanguage.ENGLISH), messages.keys(ConsoleLanguage.VIETNAMESE));
        assertEquals("Khóa và chứng thư số", messages.get(ConsoleLanguage.VIETNAMESE, "page.keys"));
    }

    @Test
    void systemAdministrator_managesUsersInTheConsole_badInputShownByTheField() throws IOException,
            InterruptedException {
        ConsoleHarness.Browser sam = harness.browser();
        sam.signIn("sam", PASSWORD);
        HttpResponse<String> shortPassword = sam.submit("/users", "/users", Map.of("name", "lan", "password", "short",
                "role", "observer"));
        assertEquals(400, shortPassword.statusCode());
        assertTrue(shortPassword.body().contains("id=\"password-error\" class=\"field-error\">The password must be 10"),
                shortPassword.body());
        assertFalse(shortPassword.body().contains("value=\"short\""), "a password is never sent back");
        HttpResponse<String> noRole = sam.submit("/users", "/users", Map.of("name", "lan", "password", PASSWORD));
        assertTrue(noRole.body().contains("id=\"role-error\""), noRole.body());
        HttpResponse<String> badName = sam.submit("/users", "/users", Map.of("name", "l a n", "password", PASSWORD,
                "role", "observer"));
        assertTrue(badName.body().contains("id=\"name-error\""), badName.body());
        assertEquals(4, harness.home.adminKeys().users().list().size(), "nothing stored");

        assertEquals(303, sam.submit("/users", "/users", Map.of("name", "lan", "password", PASSWORD,
                "role", "observer")).statusCode());
        assertTrue(sam.get("/users").body().contains("id=\"user-lan\""));
        assertEquals(303, harness.browser().signIn("lan", PASSWORD).statusCode());
        assertEquals("user:sam", audit("user.add").get(0).actor());

        ConsoleHarness.Browser alice = harness.browser();
        alice.signIn("alice", PASSWORD);
        assertEquals(403, alice.submit("/users", "/users/delete", Map.of("name", "lan")).statusCode());
        assertEquals(303, sam.submit("/users", "/users/delete", Map.of("name", "lan")).statusCode());
        assertEquals(4, harness.home.adminKeys().users().list().size());
    }
}
