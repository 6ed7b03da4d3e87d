package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.registry.ApiKeys.Role;

/**
 * The registry console's long lists, paged, and its console users page: an administrator adds,
 * deletes and resets users through the same service as {@code /api/v1/console-users}; other roles
 * are refused at the server; bad input is answered next to its field and nothing is stored.
 */
class RegistryConsoleListsTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TrustedRegistry trusted;
    private RegistryFixture registry;
    private ConsoleUsers users;

    @BeforeEach
    void start() throws CaException, IOException, RegistryException, SigningException, TokenException {
        trusted = new TrustedRegistry(dir, clock, "DEMO/GOV/1001", "Population Registry");
        registry = trusted.registry;
        users = registry.home.registry().consoleUsers();
        users.add(Actor.SYSTEM, "ada", PASSWORD, Role.ADMIN);
        users.add(Actor.SYSTEM, "rita", PASSWORD, Role.REGISTRATION_OFFICER);
        users.add(Actor.SYSTEM, "vic", PASSWORD, Role.VIEWER);
    }

    @AfterEach
    void stop() {
        trusted.close();
    }

    private ConsoleBrowser signedIn(String user) throws IOException, InterruptedException {
        ConsoleBrowser browser = new ConsoleBrowser(registry.base);
        assertEquals(303, browser.signIn(user, PASSWORD).statusCode());
        return browser;
    }

    private static int rows(String page, String prefix) {
        Matcher m = Pattern.compile("<tr id=\"" + prefix).matcher(page);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private AuditTrail.Entry lastAudit(String action) throws RegistryException {
        return registry.home.registry().auditTrail().list(0, 500).items().stream()
                .filter(e -> e.action().equals(action)).findFirst().orElseThrow();
    }

    @Test
    void longLists_arePagedFiftyAtATime_withLinksBothWays_andABadPageIsRefusedSayingWhy()
            throws IOException, InterruptedException, RegistryException {
        Members members = registry.home.registry().members();
        for (int i = 0; i < 120; i++) {
            members.createMember(Actor.SYSTEM, MemberId.parse(String.format("DEMO/GOV/2%03d", i)), "Agency " + i);
        }
        long total = members.members(0, 1).total();
        assertEquals(121, total);
        ConsoleBrowser vic = signedIn("vic");

        String first = vic.get("/members").body();
        assertEquals(50, rows(first, "member-"));
        assertTrue(first.contains("Page 1 of 3: rows 1 to 50 of 121"), first);
        assertTrue(first.contains("<a id=\"page-next\" href=\"/members?subsystemsPage=1&amp;page=2\" rel=\"next\">"),
                first);
        assertFalse(first.contains("id=\"page-prev\""));
        String last = vic.get("/members?page=3").body();
        assertEquals(21, rows(last, "member-"));
        assertTrue(last.contains("Page 3 of 3: rows 101 to 121 of 121") && last.contains("id=\"page-prev\""), last);
        assertFalse(last.contains("id=\"page-next\""));
        assertEquals(0, rows(vic.get("/members?page=9").body(), "member-"), "beyond the end: an empty page");

        vic.acceptLanguage = "vi";
        assertTrue(vic.get("/members?page=2").body().contains("Trang 2 trên 3"));
        vic.acceptLanguage = "en";
        for (String bad : List.of("/members?page=abc", "/members?page=0", "/members?subsystemsPage=-1",
                "/audit?page=99999999", "/requests?status=all&page=x")) {
            HttpResponse<String> refused = vic.get(bad);
            assertEquals(400, refused.statusCode(), bad);
            assertTrue(refused.body().contains("is not a page of this list; expected a whole number from 1"), bad);
        }

        String audit = vic.get("/audit").body();
        assertTrue(audit.contains("id=\"page-next\" href=\"/audit?page=2\""), audit);
        assertTrue(vic.get("/audit?page=2").body().contains("member.create"));
        for (String page : List.of("/servers", "/groups")) {
            HttpResponse<String> onePage = vic.get(page + "?page=1");
            assertEquals(200, onePage.statusCode(), page);
            assertFalse(onePage.body().contains("class=\"pager\""), page + ": one page, no pager");
            assertEquals(400, vic.get(page + "?page=zero").statusCode(), page);
        }
        String requests = vic.get("/requests?status=all").body();
        assertFalse(requests.contains("class=\"pager\""), "one page: no pager");
    }

    @Test
    void consoleUsers_addResetDelete_byAnAdministrator_badInputByTheField_othersRefused()
            throws IOException, InterruptedException, RegistryException {
        ConsoleBrowser ada = signedIn("ada");
        HttpResponse<String> shortPassword = ada.submit("/users", "/users", Map.of("name", "lan", "password", "short",
                "role", "viewer"));
        assertEquals(400, shortPassword.statusCode());
        assertTrue(shortPassword.body().contains("id=\"password-error\" class=\"field-error\">The password must be 10"),
                shortPassword.body());
        assertFalse(shortPassword.body().contains("value=\"short\""), "a password is never sent back");
        HttpResponse<String> badName = ada.submit("/users", "/users", Map.of("name", "<script>x</script>",
                "password", PASSWORD, "role", "viewer"));
        assertTrue(badName.body().contains("id=\"name-error\""), badName.body());
        assertFalse(badName.body().contains("<script>x"), "what was typed comes back escaped");
        HttpResponse<String> badRole = ada.submit("/users", "/users", Map.of("name", "lan", "password", PASSWORD,
                "role", "root"));
        assertTrue(badRole.body().contains("id=\"role-error\""), badRole.body());
        HttpResponse<String> duplicate = ada.submit("/users", "/users", Map.of("name", "rita", "password", PASSWORD,
                "role", "viewer"));
        assertEquals(400, duplicate.statusCode());
        assertTrue(duplicate.body().contains("id=\"name-error\" class=\"field-error\">This already exists"),
                duplicate.body());
        assertEquals(3, users.list().size(), "nothing stored");

        assertEquals(303, ada.submit("/users", "/users", Map.of("name", "lan", "password", PASSWORD, "role",
                "registration-officer")).statusCode());
        assertTrue(ada.get("/users?done=done.userAdded").body().contains("id=\"user-lan\""));
        assertEquals("user:ada (admin)", lastAudit("consoleUser.add").actor());
        ConsoleBrowser lan = signedIn("lan");

        // others: a viewer sees no list and no live form, a registration officer's crafted request is refused
        ConsoleBrowser vic = signedIn("vic");
        String viewed = vic.get("/users").body();
        assertFalse(viewed.contains("id=\"user-ada\""), viewed);
        assertTrue(viewed.contains("<fieldset disabled=\"disabled\">"), viewed);
        ConsoleBrowser rita = signedIn("rita");
        assertEquals(403, rita.submit("/users", "/users/delete", Map.of("name", "lan")).statusCode());
        assertEquals(403, rita.submit("/users", "/users/password", Map.of("name", "ada", "password",
                "a new passphrase here")).statusCode());
        AuditTrail.Entry refusal = lastAudit("consoleUser.password");
        assertEquals("user:rita (registration-officer)", refusal.actor());
        assertEquals("ada", refusal.target());
        assertTrue(refusal.outcome().startsWith("refused"), refusal.outcome());

        // a reset: too short is shown by that user's row; a good one lifts a lock-out
        for (int i = 0; i < 5; i++) {
            new ConsoleBrowser(registry.base).signIn("vic", "wrong password " + i);
        }
        assertTrue(users.list().stream().filter(u -> u.name().equals("vic")).findFirst().orElseThrow().lockedUntil()
                != null);
        HttpResponse<String> tooShort = ada.submit("/users", "/users/password", Map.of("name", "vic", "password", "x"));
        assertEquals(400, tooShort.statusCode());
        assertTrue(tooShort.body().contains("id=\"password-vic-error\" class=\"field-error\">The password must be 10"),
                tooShort.body());
        assertEquals(303, ada.submit("/users", "/users/password", Map.of("name", "vic", "password",
                "a new passphrase here")).statusCode());
        assertEquals(303, new ConsoleBrowser(registry.base).signIn("vic", "a new passphrase here").statusCode());

        // deleting a user ends their session at their next request
        assertEquals(200, lan.get("/").statusCode());
        assertEquals(303, ada.submit("/users", "/users/delete", Map.of("name", "lan")).statusCode());
        assertEquals(303, lan.get("/").statusCode());
        assertEquals("/login", lan.last.headers().firstValue("Location").orElseThrow());
        assertEquals(404, ada.submit("/users", "/users/delete", Map.of("name", "lan")).statusCode());
        assertEquals("success", registry.home.registry().auditTrail().list(0, 500).items().stream()
                .filter(e -> e.action().equals("consoleUser.delete") && e.actor().equals("user:ada (admin)"))
                .reduce((a, b) -> b).orElseThrow().outcome());
    }
}
