package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.web.BundleMessages;
import org.xroadng.auditlog.web.ConsoleLanguage;
import org.xroadng.auditlog.web.LockOut;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.registry.ApiKeys.Role;
import org.xroadng.registry.TrustedRegistry.Credential;
import org.xroadng.registry.console.RegistryConsole;

/**
 * The registry console over HTTP as a browser speaks it, on a registry that trusts a running CA:
 * sessions and their cookies, CSRF tokens, sign-in with lock-out, the API's roles enforced on the
 * server whatever the page shows, escaping, and management requests decided with their proof shown.
 */
class RegistryConsoleTest {

    private static final String PASSWORD = "correct horse battery";
    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");
    private static final SecurityServerId SERVER = OWNER.server("ss1");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TrustedRegistry trusted;
    private RegistryFixture registry;

    @BeforeEach
    void start() throws CaException, IOException, RegistryException, SigningException, TokenException {
        trusted = new TrustedRegistry(dir, clock, OWNER.format(), "Population Registry");
        registry = trusted.registry;
        ConsoleUsers users = registry.home.registry().consoleUsers();
        users.add(Actor.SYSTEM, "ada", PASSWORD, Role.ADMIN);
        users.add(Actor.SYSTEM, "rita", PASSWORD, Role.REGISTRATION_OFFICER);
        users.add(Actor.SYSTEM, "vic", PASSWORD, Role.VIEWER);
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    private ConsoleBrowser browser() {
        return new ConsoleBrowser(registry.base);
    }

    /** The audit rows of {@code action}, newest first. */
    private List<AuditTrail.Entry> audit(String action) throws RegistryException {
        return registry.home.registry().auditTrail().list(0, 500).items().stream()
                .filter(e -> e.action().equals(action)).toList();
    }

    @Test
    void signIn_opensANewHttpOnlyStrictSessionAndShowsTheOverview() throws IOException, InterruptedException,
            RegistryException {
        ConsoleBrowser browser = browser();
        HttpResponse<String> login = browser.get("/login");
        assertEquals(200, login.statusCode());
        String anonymous = browser.cookies.get("xroad-console");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict"), cookie);
        assertFalse(cookie.contains("Secure"), "the registry is served over plain HTTP here: " + cookie);

        HttpResponse<String> signedIn = browser.post("/login", Map.of("csrf", browser.csrf(), "user", "rita",
                "password", PASSWORD));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        assertNotEquals(anonymous, browser.cookies.get("xroad-console"), "a sign-in opens a new session");

        HttpResponse<String> overview = browser.get("/");
        assertEquals(200, overview.statusCode());
        assertTrue(overview.body().contains("Signed in: rita (registration-officer)"), overview.body());
        assertTrue(overview.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
        assertEquals("success", audit("console.signIn").get(0).outcome());
        assertEquals("user:rita (registration-officer)", audit("console.signIn").get(0).actor());

        ConsoleBrowser thief = browser();
        thief.cookies.put("xroad-console", anonymous);
        assertEquals(303, thief.get("/members").statusCode(), "the id seen before sign-in is worth nothing");
        assertEquals("/login", thief.last.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void secureCookies_whenTheRegistryIsServedOverTls() throws IOException, InterruptedException {
        HttpApiServer server = new RegistryConsole(registry.home.registry(), true, trusted.random, clock)
                .addTo(HttpApiServer.builder("console-tls-test")).start();
        try {
            HttpResponse<String> login = new ConsoleBrowser(server.baseUri()).get("/login");
            assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow()
                    .endsWith("; HttpOnly; SameSite=Strict; Secure"), login.headers().toString());
        } finally {
            server.close();
        }
    }

    @Test
    void postsWithoutTheSessionsCsrfToken_areRefusedAuditedAndStoreNothing() throws IOException, InterruptedException,
            RegistryException {
        ConsoleBrowser browser = browser();
        browser.signIn("rita", PASSWORD);
        Map<String, String> member = Map.of("id", "DEMO/GOV/1009", "name", "Tax Board");

        HttpResponse<String> none = browser.post("/members", member);
        assertEquals(403, none.statusCode());
        assertTrue(none.body().contains("did not come from a page of this console"), none.body());

        ConsoleBrowser other = browser();
        other.signIn("rita", PASSWORD);
        other.get("/members");
        java.util.HashMap<String, String> foreign = new java.util.HashMap<>(member);
        foreign.put("csrf", other.csrf());
        assertEquals(403, browser.post("/members", foreign).statusCode(), "another session's token does not do");

        assertEquals(404, registry.admin("GET", "/api/v1/members/DEMO/GOV/1009", null).status(), "nothing stored");
        List<AuditTrail.Entry> refusals = audit("console.post");
        assertEquals(2, refusals.size());
        assertEquals("refused", refusals.get(0).outcome());
        assertTrue(refusals.get(0).detail().contains("CSRF"), refusals.get(0).detail());
        assertEquals("user:rita (registration-officer)", refusals.get(0).actor());

        ConsoleBrowser fresh = browser();
        assertEquals(403, fresh.post("/login", Map.of("user", "rita", "password", PASSWORD)).statusCode(),
                "the sign-in form needs its token too (login CSRF)");
        assertFalse(fresh.cookies.containsKey("xroad-console"));
    }

    @Test
    void wrongPasswords_areCountedAuditedAndLockTheUserOutUntilTheClockMovesPastTheLock() throws IOException,
            InterruptedException, RegistryException {
        ConsoleBrowser browser = browser();
        for (int i = 1; i < LockOut.MAX_FAILURES; i++) {
            HttpResponse<String> refused = browser.signIn("rita", "wrong password " + i);
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("Wrong user name or password."), refused.body());
        }
        HttpResponse<String> fifth = browser.signIn("rita", "wrong password 5");
        assertTrue(fifth.body().contains("this user is now locked for 15 minutes"), fifth.body());
        HttpResponse<String> right = browser.signIn("rita", PASSWORD);
        assertEquals(401, right.statusCode(), "locked: even the right password is refused");
        assertTrue(right.body().contains("locked after too many wrong passwords"), right.body());

        List<AuditTrail.Entry> attempts = audit("console.signIn");
        assertEquals(6, attempts.size());
        assertEquals("wrong password (1 of 5)", attempts.get(5).detail());
        assertEquals("wrong password (5 of 5); locked for 15 minutes", attempts.get(1).detail());
        assertTrue(attempts.get(0).detail().startsWith("locked until "), attempts.get(0).detail());
        assertEquals("rita", attempts.get(0).target());
        assertTrue(registry.home.registry().consoleUsers().list().stream()
                .anyMatch(u -> u.name().equals("rita") && u.lockedUntil() != null), "the lock is listed");

        clock.advance(LockOut.LOCK.plusMinutes(1));
        assertEquals(303, browser().signIn("rita", PASSWORD).statusCode(), "the lock has ended");

        HttpResponse<String> unknown = browser().signIn("mallory", PASSWORD);
        assertEquals(401, unknown.statusCode());
        assertTrue(unknown.body().contains("Wrong user name or password."), "an unknown name tells nothing more");
        assertEquals("unknown user or wrong password", audit("console.signIn").get(0).detail());
    }

    @Test
    void failuresOutsideTheWindow_doNotAddUp() throws IOException, InterruptedException {
        for (int i = 0; i < LockOut.MAX_FAILURES - 1; i++) {
            browser().signIn("vic", "wrong password " + i);
        }
        clock.advance(LockOut.WINDOW.plusSeconds(1));
        browser().signIn("vic", "wrong again");
        assertEquals(303, browser().signIn("vic", PASSWORD).statusCode());
    }

    @Test
    void viewer_seesEveryPageButACraftedChangeIsRefusedAtTheServerAndAudited() throws IOException,
            InterruptedException, RegistryException, CaException, CertificateEncodingException, OcspException,
            SigningException, TokenException {
        long pending = pendingClientRegistration("population");
        ConsoleBrowser vic = browser();
        assertEquals(303, vic.signIn("vic", PASSWORD).statusCode());
        for (String page : PAGES) {
            HttpResponse<String> shown = vic.get(page);
            assertEquals(200, shown.statusCode(), page + ": " + shown.body());
        }
        HttpResponse<String> members = vic.get("/members");
        assertTrue(members.body().contains("Your role lets you see this page but not change anything on it."));
        assertTrue(members.body().contains("<fieldset disabled=\"disabled\">"), "the form is disabled on the page");

        // the same forms, crafted with a valid session and token: refused by the server, audited, nothing done
        HttpResponse<String> member = vic.submit("/members", "/members", Map.of("id", "DEMO/GOV/1009", "name", "X"));
        assertEquals(403, member.statusCode());
        assertTrue(member.body().contains("role viewer may not do this; it needs registration-officer or admin"),
                member.body());
        HttpResponse<String> approve = vic.submit("/requests/view?id=" + pending, "/requests/approve",
                Map.of("id", String.valueOf(pending)));
        assertEquals(403, approve.statusCode());
        assertEquals("pending", registry.home.registry().requests().get(pending).status());
        assertEquals(404, registry.admin("GET", "/api/v1/members/DEMO/GOV/1009", null).status());
        AuditTrail.Entry refused = audit("managementRequest.approve").get(0);
        assertEquals("refused", refused.outcome());
        assertEquals("user:vic (viewer)", refused.actor());
        assertEquals("refused", audit("member.create").get(0).outcome());

        // an officer may register but not touch settings or API keys
        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        assertEquals(403, rita.submit("/settings", "/settings", Map.of("globalConfValiditySeconds", "700",
                "ocspFreshnessSeconds", "3600", "acceptableTimestampFailureSeconds", "14400")).statusCode());
        assertEquals(403, rita.submit("/api-keys", "/api-keys", Map.of("role", "admin", "label", "mine")).statusCode());
        assertEquals(1, registry.home.registry().apiKeys().list().size(), "no key was made");
    }

    @Test
    void scriptInAMemberName_isShownEscaped() throws IOException, InterruptedException {
        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        HttpResponse<String> added = rita.submit("/members", "/members", Map.of("id", "DEMO/GOV/1666",
                "name", "<script>alert('x')</script> & Co"));
        assertEquals(303, added.statusCode(), added.body());
        String page = rita.get("/members?done=done.memberAdded").body();
        assertTrue(page.contains("Member added."), page);
        assertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"), page);
        assertFalse(page.contains("<script>alert"), page);
    }

    @Test
    void badInput_isShownByItsFieldAndStoresNothing() throws IOException, InterruptedException {
        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        HttpResponse<String> bad = rita.submit("/members", "/members", Map.of("id", "DEMO/GOV/10 01", "name", "X"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("id=\"id-error\""), bad.body());
        assertTrue(bad.body().contains("This identifier is not valid"), bad.body());
        assertTrue(bad.body().contains("aria-invalid=\"true\""), bad.body());
        HttpResponse<String> duplicate = rita.submit("/members", "/members", Map.of("id", OWNER.format(), "name", "X"));
        assertEquals(400, duplicate.statusCode());
        assertTrue(duplicate.body().contains("This already exists"), duplicate.body());
    }

    @Test
    void officer_approvesAndRejectsClientRegistrationsWithTheProofShown() throws IOException, InterruptedException,
            RegistryException, CaException, CertificateEncodingException, OcspException, SigningException,
            TokenException {
        long first = pendingClientRegistration("population");
        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        HttpResponse<String> list = rita.get("/requests");
        assertTrue(list.body().contains("id=\"request-" + first + "\""), list.body());
        assertTrue(list.body().contains("client registration"), list.body());

        HttpResponse<String> view = rita.get("/requests/view?id=" + first);
        assertEquals(200, view.statusCode(), view.body());
        String body = view.body();
        assertTrue(body.contains("urn:xroad:member:DEMO/GOV/1001"), "who signed: " + body);
        var signer = registry.home.registry().requests().proof(first).get(0);
        assertTrue(body.contains(signer.subject()), "the certificate's subject");
        assertTrue(signer.issuer().contains("Demo CA"), signer.issuer());
        assertTrue(body.contains(signer.issuer()), "its issuer");
        assertTrue(body.contains(">" + signer.serialHex() + "<"), "its serial");
        assertEquals("good", signer.ocspStatus(), signer.problem());
        assertTrue(body.contains("badge badge-ok proof-ocsp\">good<"), "the OCSP status");

        HttpResponse<String> approved = rita.submit("/requests/view?id=" + first, "/requests/approve",
                Map.of("id", String.valueOf(first)));
        assertEquals(303, approved.statusCode(), approved.body());
        String after = rita.get(approved.headers().firstValue("Location").orElseThrow()).body();
        assertTrue(after.contains("Request approved"), after);
        assertTrue(after.contains("id=\"request-status\">approved<"), after);
        assertEquals("approved", registry.home.registry().requests().get(first).status());
        assertEquals(List.of(SubsystemId.parse("DEMO/GOV/1001/population")),
                registry.home.registry().servers().get(SERVER).clients());
        AuditTrail.Entry decided = audit("managementRequest.approve").get(0);
        assertEquals("success", decided.outcome());
        assertEquals("user:rita (registration-officer)", decided.actor());
        assertEquals(String.valueOf(first), decided.target());

        long second = pendingClientRegistration("loans");
        HttpResponse<String> rejected = rita.submit("/requests/view?id=" + second, "/requests/reject",
                Map.of("id", String.valueOf(second), "reason", "no contract with the population registry"));
        assertEquals(303, rejected.statusCode(), rejected.body());
        Requests.RequestView view2 = registry.home.registry().requests().get(second);
        assertEquals("rejected", view2.status());
        assertEquals("no contract with the population registry", view2.reason());

        HttpResponse<String> again = rita.submit("/requests/view?id=" + second, "/requests/approve",
                Map.of("id", String.valueOf(second)));
        assertEquals(409, again.statusCode(), "a decided request stays decided");
        assertTrue(again.body().contains("is already rejected"), again.body());
    }

    @Test
    void proofOfARequestWhoseCaWasRemoved_isShownUnverifiableWithTheReason() throws IOException,
            InterruptedException, RegistryException, CaException, CertificateEncodingException, OcspException,
            SigningException, TokenException {
        long id = pendingClientRegistration("population");
        String ca = registry.home.registry().trustAnchors().cas().get(0).id();
        assertEquals(204, registry.admin("DELETE", "/api/v1/certification-authorities/" + ca, null).status());
        var signer = registry.home.registry().requests().proof(id).get(0);
        assertEquals("unverifiable", signer.ocspStatus());
        assertTrue(signer.problem().contains("is no longer an approved CA"), signer.problem());
        assertEquals("urn:xroad:member:DEMO/GOV/1001", signer.identity(), "who signed is still shown");

        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        String page = rita.get("/requests/view?id=" + id).body();
        assertTrue(page.contains("badge badge-refused proof-ocsp\">cannot be verified<"), page);
        assertTrue(page.contains("is no longer an approved CA"), page);
        assertEquals(404, rita.get("/requests/view?id=999").statusCode());
        assertEquals(400, rita.get("/requests/view?id=seven").statusCode());
        assertTrue(rita.last.body().contains("is not a number"), rita.last.body());
    }

    @Test
    void admin_createsAnApiKeyShownOnceAndChangesSettings() throws IOException, InterruptedException {
        ConsoleBrowser ada = browser();
        ada.signIn("ada", PASSWORD);
        HttpResponse<String> created = ada.submit("/api-keys", "/api-keys", Map.of("role", "viewer", "label", "auditor"));
        assertEquals(200, created.statusCode(), created.body());
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("id=\"created-key-value\">(xrk_[A-Za-z0-9_-]+)<")
                .matcher(created.body());
        assertTrue(key.find(), created.body());
        assertEquals(200, registry.call("GET", "/api/v1/members", key.group(1), null).status(), "the key works");
        assertFalse(ada.get("/api-keys").body().contains(key.group(1)), "shown once, never again");

        HttpResponse<String> bad = ada.submit("/settings", "/settings", Map.of("globalConfValiditySeconds", "5",
                "ocspFreshnessSeconds", "3600", "acceptableTimestampFailureSeconds", "14400"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("id=\"globalConfValiditySeconds-error\""), bad.body());
        HttpResponse<String> saved = ada.submit("/settings", "/settings", Map.of("globalConfValiditySeconds", "900",
                "ocspFreshnessSeconds", "3600", "acceptableTimestampFailureSeconds", "14400",
                "autoApproveClientRegistrations", "on"));
        assertEquals(303, saved.statusCode(), saved.body());
        assertEquals(900, registry.home.registry().settings().get().globalConfValiditySeconds());
        assertTrue(registry.home.registry().settings().get().autoApproveClientRegistrations());
    }

    @Test
    void apiKeySignIn_takesTheKeysRole() throws IOException, InterruptedException {
        String viewerKey = registry.key("viewer");
        ConsoleBrowser browser = browser();
        browser.get("/login");
        assertEquals(401, browser.post("/login", Map.of("csrf", browser.csrf(), "method", "key", "apiKey",
                "xrk_not-a-key")).statusCode());
        assertEquals(303, browser.post("/login", Map.of("csrf", browser.csrf(), "method", "key", "apiKey", viewerKey))
                .statusCode());
        assertTrue(browser.get("/").body().contains("(viewer)"), browser.last.body());
        assertEquals(403, browser.submit("/groups", "/groups", Map.of("code", "x", "description", "y")).statusCode());
    }

    @Test
    void vietnamese_fromAcceptLanguageOrTheSwitch_withDatesAsDdMmYyyy() throws IOException, InterruptedException,
            CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        long id = pendingClientRegistration("population");
        ConsoleBrowser browser = browser();
        browser.acceptLanguage = "vi-VN,vi;q=0.9,en;q=0.5";
        browser.signIn("rita", PASSWORD);
        String page = browser.get("/requests/view?id=" + id).body();
        assertTrue(page.contains("lang=\"vi\""), page);
        assertTrue(page.contains("Bằng chứng kèm theo yêu cầu"), page);
        assertTrue(page.contains("đăng ký đơn vị sử dụng"), page);
        String today = java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy").withZone(java.time.ZoneOffset.UTC)
                .format(clock.instant());
        assertTrue(page.contains(today), "dates as dd/MM/yyyy: " + page);

        browser.acceptLanguage = "vi";
        assertTrue(browser.get("/members?lang=en").body().contains("Members and subsystems"));
        assertTrue(browser.get("/servers").body().contains("Registered security servers"), "the switch is remembered");
    }

    @Test
    void times_inTheViewersZone_fromTheScriptsCookie_elseInUtc() throws IOException, InterruptedException,
            CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        long id = pendingClientRegistration("population");
        ConsoleBrowser browser = browser();
        browser.signIn("rita", PASSWORD);
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
        java.time.Instant received = clock.instant();

        String utc = browser.get("/requests/view?id=" + id).body();
        assertTrue(utc.contains("data-zone=\"UTC\""), utc);
        assertTrue(utc.contains(format.withZone(java.time.ZoneOffset.UTC).format(received)), utc);

        browser.cookies.put("xroad-tz", "Asia/Ho_Chi_Minh");
        String hanoi = browser.get("/requests/view?id=" + id).body();
        assertTrue(hanoi.contains("data-zone=\"Asia/Ho_Chi_Minh\""), hanoi);
        assertTrue(hanoi.contains(format.withZone(java.time.ZoneId.of("Asia/Ho_Chi_Minh")).format(received)
                + ":"), hanoi);
        assertTrue(hanoi.contains("UTC+07:00"), "every time names its zone: " + hanoi);
        assertTrue(browser.get("/audit").body().contains("UTC+07:00"), browser.last.body());

        browser.cookies.put("xroad-tz", "Not/AZone");
        assertTrue(browser.get("/requests/view?id=" + id).body().contains("data-zone=\"UTC\""),
                "an unknown zone is UTC: " + browser.last.body());
    }

    @Test
    void bundles_holdTheSameKeysInBothLanguages() {
        BundleMessages messages = BundleMessages.of(RegistryConsole.class);
        assertEquals(messages.keys(ConsoleLanguage.ENGLISH), messages.keys(ConsoleLanguage.VIETNAMESE));
        assertEquals("Phê duyệt", messages.get(ConsoleLanguage.VIETNAMESE, "request.approve"));
    }

    @Test
    void consoleUsersApi_isForAdminsAndChecksItsInput() {
        String officer = registry.key("registration-officer");
        assertEquals(403, registry.call("GET", "/api/v1/console-users", officer, null).status());
        RegistryFixture.Answer weak = registry.admin("POST", "/api/v1/console-users", Map.of("name", "nina",
                "password", "short", "role", "viewer"));
        assertEquals(400, weak.status());
        assertTrue(weak.message().contains("expected 10..72 bytes"), weak.message());
        RegistryFixture.Answer badRole = registry.admin("POST", "/api/v1/console-users", Map.of("name", "nina",
                "password", PASSWORD, "role", "owner"));
        assertEquals(400, badRole.status());
        assertEquals(201, registry.admin("POST", "/api/v1/console-users", Map.of("name", "nina", "password", PASSWORD,
                "role", "viewer")).status());
        RegistryFixture.Answer listed = registry.admin("GET", "/api/v1/console-users", null);
        assertEquals("viewer", listed.json().get(1).path("role").asText(), listed.raw().body());
        assertFalse(listed.raw().body().contains("$2y$"), "never the hash");
        assertEquals(204, registry.admin("PUT", "/api/v1/console-users/nina/password",
                Map.of("password", "another long password")).status());
        assertEquals(204, registry.admin("DELETE", "/api/v1/console-users/nina", null).status());
        assertEquals(404, registry.admin("DELETE", "/api/v1/console-users/nina", null).status());
    }

    @Test
    void officer_approvesAnOwnerChangeSeeingTheNewOwnerAndItsSignature_theServersPageNamesTheOwner()
            throws IOException, InterruptedException, RegistryException, CaException, CertificateEncodingException,
            OcspException, SigningException, TokenException {
        MemberId bank = MemberId.parse("DEMO/GOV/1002");
        TrustedRegistry.created(registry.admin("POST", "/api/v1/members", Map.of("id", bank.format(), "name", "Bank")));
        Credential banks = trusted.credential(CertificateProfile.SIGN, bank);
        long loans = pendingClientRegistration("population");
        registry.home.registry().requests().approve(Actor.SYSTEM, loans);
        RegistryFixture.Answer reg = trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER,
                bank.subsystem("loans"), clock.instant()), banks.signer(), banks.ocsp()));
        registry.home.registry().requests().approve(Actor.SYSTEM, reg.json().path("id").asLong());
        RegistryFixture.Answer filed = trusted.file(ManagementRequests.ownerChange(new OwnerChangeRequest(SERVER, bank,
                clock.instant()), banks.signer(), banks.ocsp()));
        assertEquals(202, filed.status(), filed.raw().body());
        long id = filed.json().path("id").asLong();

        ConsoleBrowser rita = browser();
        rita.signIn("rita", PASSWORD);
        String list = rita.get("/requests").body();
        assertTrue(list.contains("id=\"request-" + id + "\"") && list.contains("owner change"), list);
        String view = rita.get("/requests/view?id=" + id).body();
        assertTrue(view.contains("id=\"request-new-owner\">DEMO/GOV/1002<"), view);
        assertTrue(view.contains("urn:xroad:member:DEMO/GOV/1002"), "the new owner signed: " + view);
        HttpResponse<String> approved = rita.submit("/requests/view?id=" + id, "/requests/approve",
                Map.of("id", String.valueOf(id)));
        assertEquals(303, approved.statusCode(), approved.body());
        assertEquals(bank, registry.home.registry().servers().get(SERVER).owner());
        String servers = rita.get("/servers").body();
        assertTrue(servers.contains("class=\"server-owner\">DEMO/GOV/1002<"), servers);
        assertEquals(String.valueOf(id), audit("managementRequest.approve").get(0).target());
    }

    /** Registers {@link #SERVER} once, then files a clientReg of {@code subsystem}; answers its id (pending). */
    private long pendingClientRegistration(String subsystem) throws CaException, CertificateEncodingException,
            OcspException, SigningException, TokenException {
        if (owner == null) {
            owner = trusted.credential(CertificateProfile.SIGN, OWNER);
            trusted.register(SERVER, owner);
        }
        RegistryFixture.Answer filed = trusted.file(ManagementRequests.clientReg(new ClientRegRequest(SERVER,
                OWNER.subsystem(subsystem), clock.instant()), owner.signer(), owner.ocsp()));
        assertEquals(202, filed.status(), filed.raw().body());
        assertEquals("pending", filed.json().path("status").asText());
        return filed.json().path("id").asLong();
    }

    private Credential owner;

    /** Every page of the console's menu. */
    private static final List<String> PAGES = List.of("/", "/requests", "/requests?status=all", "/members", "/servers",
            "/groups", "/trust", "/settings", "/api-keys", "/checkpoints", "/audit");
}
