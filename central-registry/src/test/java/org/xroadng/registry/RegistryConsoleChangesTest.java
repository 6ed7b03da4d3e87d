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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.registry.ApiKeys.Role;

/**
 * The registry console's subsystem, global group and group member actions done through its pages
 * (added, removed, each audited with the user), their bad input answered next to the field with
 * the registry unchanged, and the last administrator (console user or API key) kept.
 */
class RegistryConsoleChangesTest {

    private static final String PASSWORD = "correct horse battery";
    private static final MemberId OWNER = MemberId.parse("DEMO/GOV/1001");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private TrustedRegistry trusted;
    private RegistryFixture registry;
    private Registry home;

    @BeforeEach
    void start() throws CaException, IOException, RegistryException, SigningException, TokenException {
        trusted = new TrustedRegistry(dir, clock, OWNER.format(), "Population Registry");
        registry = trusted.registry;
        home = registry.home.registry();
        home.consoleUsers().add(Actor.SYSTEM, "ada", PASSWORD, Role.ADMIN);
        home.consoleUsers().add(Actor.SYSTEM, "rita", PASSWORD, Role.REGISTRATION_OFFICER);
        home.consoleUsers().add(Actor.SYSTEM, "vic", PASSWORD, Role.VIEWER);
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

    private AuditTrail.Entry lastAudit(String action) throws RegistryException {
        return home.auditTrail().list(0, 500).items().stream().filter(e -> e.action().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no audit row " + action));
    }

    /** What the registry holds of subsystems and groups, to compare before and after a refused form. */
    private String state() throws RegistryException {
        return home.members().subsystems(null, 0, 500).items() + " " + home.groups().list(0, 500).items();
    }

    /** Text as the templates escape it. */
    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** Follows a POST's redirect and answers the page it leads to. */
    private static String followed(ConsoleBrowser browser, HttpResponse<String> posted)
            throws IOException, InterruptedException {
        assertEquals(303, posted.statusCode(), posted.body());
        return browser.get(posted.headers().firstValue("Location").orElseThrow()).body();
    }

    @Test
    void subsystemsGroupsAndGroupMembers_addedAndRemovedThroughThePages_eachAuditedWithTheUser()
            throws IOException, InterruptedException, RegistryException {
        ConsoleBrowser rita = signedIn("rita");
        String subsystem = OWNER.subsystem("population").format();

        String members = followed(rita, rita.submit("/members", "/subsystems", Map.of("subsystem", subsystem)));
        assertTrue(members.contains("Subsystem added."), members);
        assertTrue(members.contains("id=\"subsystem-" + subsystem + "\""), members);
        assertEquals(List.of(SubsystemId.parse(subsystem)), home.members().subsystems(null, 0, 10).items().stream()
                .map(Members.SubsystemView::id).toList());

        String groups = followed(rita, rita.submit("/groups", "/groups", Map.of("code", "tax-partners",
                "description", "Agencies the tax board serves")));
        assertTrue(groups.contains("Global group added.") && groups.contains("id=\"group-tax-partners\""), groups);
        assertEquals("Agencies the tax board serves", home.groups().get("tax-partners").description());

        groups = followed(rita, rita.submit("/groups", "/groups/members", Map.of("group", "tax-partners",
                "member", subsystem)));
        assertTrue(groups.contains("Member added to the group."), groups);
        assertTrue(groups.contains("aria-label=\"Remove " + subsystem + " from group tax-partners\""), groups);
        groups = followed(rita, rita.submit("/groups", "/groups/members", Map.of("group", "tax-partners",
                "member", OWNER.format())));
        assertEquals(List.of(OWNER.format(), subsystem), home.groups().get("tax-partners").members());
        assertEquals("user:rita (registration-officer)", lastAudit("globalGroup.addMember").actor());

        groups = followed(rita, rita.submit("/groups", "/groups/members/remove", Map.of("group", "tax-partners",
                "member", OWNER.format())));
        assertTrue(groups.contains("Member removed from the group."), groups);
        assertEquals(List.of(subsystem), home.groups().get("tax-partners").members());
        AuditTrail.Entry removed = lastAudit("globalGroup.removeMember");
        assertEquals("success", removed.outcome());
        assertEquals("user:rita (registration-officer)", removed.actor());

        members = followed(rita, rita.submit("/members", "/subsystems/delete", Map.of("subsystem", subsystem)));
        assertTrue(members.contains("Subsystem removed."), members);
        assertFalse(members.contains("id=\"subsystem-" + subsystem + "\""), members);
        assertEquals(0, home.members().subsystems(null, 0, 10).total());
        assertEquals(List.of(), home.groups().get("tax-partners").members(), "a removed subsystem leaves its groups");
        assertEquals("success", lastAudit("subsystem.delete").outcome());

        groups = followed(rita, rita.submit("/groups", "/groups/delete", Map.of("group", "tax-partners")));
        assertTrue(groups.contains("Global group deleted."), groups);
        assertFalse(groups.contains("id=\"group-tax-partners\""), groups);
        assertEquals(0, home.groups().list(0, 10).total());
        assertEquals("user:rita (registration-officer)", lastAudit("globalGroup.delete").actor());

        rita.acceptLanguage = "vi";
        assertTrue(rita.get("/groups?done=done.groupRemoved").body().contains("Đã xóa nhóm toàn cục."));
    }

    @Test
    void badSubsystemInput_isAnsweredNextToTheFieldAndStoresNothing() throws IOException, InterruptedException,
            RegistryException {
        home.members().createSubsystem(Actor.SYSTEM, OWNER.subsystem("population"));
        ConsoleBrowser rita = signedIn("rita");
        String before = state();
        Map<String, String> cases = Map.of(
                "", "Fill in this field.",
                "DEMO/GOV/1001/pop ulation", "This identifier is not valid",
                "DEMO/GOV/1001", "This identifier is not valid",
                "OTHER/GOV/1001/x", "belongs to instance OTHER; this registry serves DEMO",
                "DEMO/GOV/9999/x", "member DEMO/GOV/9999 does not exist; add it first",
                "DEMO/GOV/1001/population", "This already exists: subsystem DEMO/GOV/1001/population already exists");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> bad = rita.submit("/members", "/subsystems", Map.of("subsystem", c.getKey()));
            assertEquals(400, bad.statusCode(), c.getKey());
            String body = bad.body();
            int error = body.indexOf("id=\"subsystem-error\" class=\"field-error\">");
            assertTrue(error > 0, c.getKey() + ": " + body);
            String shown = body.substring(error, body.indexOf("</p>", error));
            assertTrue(shown.contains(escaped(c.getValue())),
                    c.getKey() + ": " + shown);
            assertTrue(body.contains("aria-describedby=\"subsystem-error\""), "the field points at its message");
            assertTrue(body.contains("value=\"" + escaped(c.getKey())
                    + "\""), "what was typed is kept: " + c.getKey());
        }
        HttpResponse<String> notASubsystem = rita.submit("/members", "/subsystems/delete",
                Map.of("subsystem", "DEMO/GOV/1001"));
        assertEquals(400, notASubsystem.statusCode());
        assertTrue(notASubsystem.body().contains("id=\"subsystem-error\""), notASubsystem.body());
        HttpResponse<String> unknown = rita.submit("/members", "/subsystems/delete",
                Map.of("subsystem", "DEMO/GOV/1001/nothing"));
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("Could not be done: no subsystem DEMO/GOV/1001/nothing"), unknown.body());
        assertEquals(before, state(), "nothing stored, nothing removed");
    }

    @Test
    void badGroupInput_isAnsweredNextToTheFieldAndStoresNothing() throws IOException, InterruptedException,
            RegistryException {
        home.groups().create(Actor.SYSTEM, "tax-partners", "Agencies the tax board serves");
        ConsoleBrowser rita = signedIn("rita");
        String before = state();
        record Case(Map<String, String> form, String field, String message) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("code", "", "description", "x"), "code", "Fill in this field."),
                new Case(Map.of("code", "new", "description", ""), "description", "Fill in this field."),
                new Case(Map.of("code", "bad code", "description", "x"), "code", "Not accepted: code:"),
                new Case(Map.of("code", "new", "description", "x".repeat(1001)), "description",
                        "Not accepted: description is 1001 characters; at most 1000 are allowed"),
                new Case(Map.of("code", "tax-partners", "description", "again"), "code",
                        "This already exists: global group tax-partners already exists"));
        for (Case c : cases) {
            HttpResponse<String> bad = rita.submit("/groups", "/groups", c.form());
            assertEquals(400, bad.statusCode(), c.toString());
            String body = bad.body();
            int error = body.indexOf("id=\"" + c.field() + "-error\" class=\"field-error\">");
            assertTrue(error > 0, c.field() + ": " + body);
            assertTrue(body.substring(error, body.indexOf("</p>", error)).contains(c.message()),
                    c.message() + " in " + body.substring(error, body.indexOf("</p>", error)));
        }
        record Member(String group, String member, String field, String message) {
        }
        for (Member m : List.of(
                new Member("tax-partners", "", "member", "Fill in this field."),
                new Member("tax-partners", "DEMO/GOV", "member", "is neither a member (INSTANCE/CLASS/CODE)"),
                new Member("tax-partners", "DEMO/GOV/4242", "member", "member DEMO/GOV/4242 does not exist"),
                new Member("no-such-group", OWNER.format(), "group", "no global group no-such-group"))) {
            HttpResponse<String> bad = rita.submit("/groups", "/groups/members", Map.of("group", m.group(),
                    "member", m.member()));
            assertTrue(bad.statusCode() == 400, m + ": " + bad.statusCode());
            int error = bad.body().indexOf("id=\"" + m.field() + "-error\" class=\"field-error\">");
            assertTrue(error > 0 && bad.body().substring(error).contains(m.message()), m + ": " + bad.body());
        }
        HttpResponse<String> notIn = rita.submit("/groups", "/groups/members/remove", Map.of("group", "tax-partners",
                "member", OWNER.format()));
        assertEquals(404, notIn.statusCode());
        assertTrue(notIn.body().contains("DEMO/GOV/1001 is not in global group tax-partners"), notIn.body());

        ConsoleBrowser vic = signedIn("vic");
        assertEquals(403, vic.submit("/groups", "/groups/delete", Map.of("group", "tax-partners")).statusCode());
        assertEquals(403, vic.submit("/members", "/subsystems", Map.of("subsystem", "DEMO/GOV/1001/x")).statusCode());
        assertEquals("refused", lastAudit("globalGroup.delete").outcome());
        assertEquals(before, state(), "nothing stored, nothing removed");
    }

    @Test
    void theLastAdministrator_cannotBeDeletedNorItsLastAdminKeyRevoked_inTheConsoleOrTheApi()
            throws IOException, InterruptedException, RegistryException {
        ConsoleBrowser ada = signedIn("ada");
        HttpResponse<String> self = ada.submit("/users", "/users/delete", Map.of("name", "ada"));
        assertEquals(409, self.statusCode());
        assertTrue(self.body().contains("id=\"form-error\" class=\"refusal\" role=\"alert\">Could not be done: console"
                + " user ada is the last one with the admin role; add another administrator first"), self.body());
        RegistryFixture.Answer api = registry.admin("DELETE", "/api/v1/console-users/ada", null);
        assertEquals(409, api.status());
        assertTrue(api.message().contains("is the last one with the admin role"), api.message());
        assertEquals(3, home.consoleUsers().list().size(), "nobody was deleted");
        assertEquals("refused", lastAudit("consoleUser.delete").outcome());

        // with a second administrator, either may go, but not both
        home.consoleUsers().add(Actor.SYSTEM, "ana", PASSWORD, Role.ADMIN);
        assertEquals(303, ada.submit("/users", "/users/delete", Map.of("name", "ana")).statusCode());
        assertEquals(409, ada.submit("/users", "/users/delete", Map.of("name", "ada")).statusCode());

        // API keys: the fixture's admin key is the only admin key
        long adminKey = home.apiKeys().list().stream().filter(k -> k.role() == Role.ADMIN).findFirst().orElseThrow()
                .id();
        RegistryFixture.Answer revoke = registry.admin("DELETE", "/api/v1/api-keys/" + adminKey, null);
        assertEquals(409, revoke.status());
        assertTrue(revoke.message().contains("is the last active key with the admin role; create another admin key"
                + " first"), revoke.message());
        HttpResponse<String> page = ada.submit("/api-keys", "/api-keys/revoke", Map.of("id", String.valueOf(adminKey)));
        assertEquals(409, page.statusCode());
        assertTrue(page.body().contains("is the last active key with the admin role"), page.body());
        assertTrue(home.apiKeys().list().stream().allMatch(k -> k.revokedAt() == null), "nothing revoked");
        assertEquals(200, registry.admin("GET", "/api/v1/members", null).status(), "the key still works");

        String second = registry.key("admin");
        assertEquals(303, ada.submit("/api-keys", "/api-keys/revoke", Map.of("id", String.valueOf(adminKey)))
                .statusCode(), "with another admin key, the first may be revoked");
        long secondId = home.apiKeys().list().stream().filter(k -> k.role() == Role.ADMIN && k.revokedAt() == null)
                .findFirst().orElseThrow().id();
        assertEquals(409, registry.call("DELETE", "/api/v1/api-keys/" + secondId, second, null).status());
        long viewer = home.apiKeys().create(Actor.SYSTEM, Role.VIEWER, "v").id();
        assertEquals(204, registry.call("DELETE", "/api/v1/api-keys/" + viewer, second, null).status(),
                "other roles' keys are revoked as before");
    }
}
