package org.xroadng.securityserver.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;

class ServerConfStoreTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final SubsystemId PROVIDER = SubsystemId.parse("DEMO/GOV/1001/population");
    private static final ServiceId PERSON = PROVIDER.service("person");
    private static final SubsystemId TAX = SubsystemId.parse("DEMO/GOV/1002/tax");
    private static final SubsystemId BANK = SubsystemId.parse("DEMO/COM/2001/loans");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Database database;
    private ServerConfStore store;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link ServerConfStorePostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void open() throws ServerException {
        database = storage().open(dir.resolve("server"), "securityserver");
        store = new ServerConfStore(database, SERVER, CLOCK);
        store.addClient(PROVIDER, LocalClient.IsAuthentication.HTTP, List.of());
        store.addService(PERSON, URI.create("http://127.0.0.1:9000/person"), 30, true);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static GlobalConfiguration global(List<GlobalConfiguration.GlobalGroup> groups) {
        return new GlobalConfiguration("DEMO", 1, CLOCK.instant(), CLOCK.instant().plusSeconds(600), List.of(), List.of(),
                List.of(new GlobalConfiguration.SecurityServer(SERVER, "127.0.0.1:5500", List.of(), List.of(PROVIDER))),
                groups, List.of(), List.of(), new GlobalConfiguration.Settings(3600, 600));
    }

    private AccessDecision decide(SubsystemId client, String method, String path, String purpose) {
        return store.current().decide(PERSON, client, method, path, purpose, global(List.of(
                new GlobalConfiguration.GlobalGroup(GlobalGroupId.parse("DEMO/citizen-portals"), "portals",
                        List.of("DEMO/GOV/1000")))));
    }

    @Test
    void snapshot_isRebuiltAfterEachChangeAndSharedBetweenReads() throws ServerException {
        LocalConfiguration before = store.current();
        assertSame(before, store.current());

        store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "GET", "/*", List.of());

        assertNotSame(before, store.current());
        assertEquals(1, store.current().accessRights().size());
        assertEquals(0, before.accessRights().size());
        assertTrue(store.current().service(PERSON).orElseThrow().personalData());
    }

    @Test
    void memberLevelSubject_isStoredAndReadBack() throws ServerException {
        AccessRight.Subject member = ConfValues.subject("DEMO/GOV/1002");
        assertEquals(new AccessRight.SubsystemSubject(MemberId.parse("DEMO/GOV/1002")), member,
                "a client without a subsystem code is the member itself");
        store.grant(PERSON, member, "GET", "/**", List.of());

        ServerConfStore reopened = new ServerConfStore(database, SERVER, CLOCK);
        assertEquals(List.of(member), reopened.current().accessRights().stream().map(AccessRight::subject).toList());
        ServerException refused = assertThrows(ServerException.class, () -> ConfValues.subject("DEMO/GOV"));
        assertTrue(refused.getMessage().contains("INSTANCE/CLASS/MEMBER[/SUBSYSTEM]"), refused.getMessage());
    }

    @Test
    void storedConfiguration_survivesReopening() throws ServerException {
        store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "GET", "/**", List.of("tax-assessment"));

        ServerConfStore reopened = new ServerConfStore(database, SERVER, CLOCK);

        assertEquals(store.current(), reopened.current());
    }

    @Test
    void accessDecisions_followSubjectMethodPathAndPurpose() throws ServerException {
        store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "GET", "/*", List.of("tax-assessment"));

        assertEquals(AccessDecision.ALLOWED, decide(TAX, "GET", "/EE38001010001", "tax-assessment"));
        assertEquals(AccessDecision.PURPOSE_NOT_ALLOWED, decide(TAX, "GET", "/EE38001010001", "marketing"));
        assertEquals(AccessDecision.PURPOSE_NOT_ALLOWED, decide(TAX, "GET", "/EE38001010001", null));
        assertEquals(AccessDecision.DENIED, decide(TAX, "GET", "/EE38001010001/history", "tax-assessment"));
        assertEquals(AccessDecision.DENIED, decide(TAX, "POST", "/EE38001010001", "tax-assessment"));
        assertEquals(AccessDecision.DENIED, decide(BANK, "GET", "/EE38001010001", "tax-assessment"));
    }

    @Test
    void doubleStarPath_matchesAnyDepthForGlobalGroupMembers() throws ServerException {
        store.grant(PERSON, new AccessRight.GlobalGroupSubject(GlobalGroupId.parse("DEMO/citizen-portals")), "*", "/**",
                List.of());

        SubsystemId portal = SubsystemId.parse("DEMO/GOV/1000/portal");
        assertEquals(AccessDecision.ALLOWED, decide(portal, "GET", "/", null));
        assertEquals(AccessDecision.ALLOWED, decide(portal, "DELETE", "/a/b/c", "any"));
        assertEquals(AccessDecision.DENIED, decide(TAX, "GET", "/a", null));
    }

    @Test
    void localGroupSubject_allowsItsMembersOnly() throws ServerException {
        store.addLocalGroup("auditors", "Auditors");
        store.grant(PERSON, new AccessRight.LocalGroupSubject("auditors"), "GET", "/**", List.of());
        assertEquals(AccessDecision.DENIED, decide(BANK, "GET", "/x", null));

        store.addLocalGroupMember("auditors", BANK);

        assertEquals(AccessDecision.ALLOWED, decide(BANK, "GET", "/x", null));
        store.removeLocalGroupMember("auditors", BANK);
        assertEquals(AccessDecision.DENIED, decide(BANK, "GET", "/x", null));
    }

    @Test
    void revokedRight_nolongerAllows() throws ServerException {
        long id = store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "GET", "/**", List.of()).id();

        store.revoke(id);

        assertEquals(AccessDecision.DENIED, decide(TAX, "GET", "/x", null));
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class, () -> store.revoke(id)).kind());
    }

    @Test
    void duplicates_areConflicts() throws ServerException {
        store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "get", "/**", List.of());
        store.addLocalGroup("g", "G");

        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> store.grant(PERSON, new AccessRight.SubsystemSubject(TAX), "GET", "/**", List.of("x"))).kind());
        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> store.addClient(PROVIDER, LocalClient.IsAuthentication.HTTP, List.of())).kind());
        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> store.addService(PERSON, URI.create("http://x"), 5, false)).kind());
        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> store.addLocalGroup("g", "again")).kind());
    }

    @Test
    void badValues_areRefusedWithClearMessagesAndChangeNothing() {
        LocalConfiguration before = store.current();
        ServiceId foreign = SubsystemId.parse("DEMO/GOV/1002/tax").service("x");

        assertTrue(assertThrows(ServerException.class, () -> store.addService(foreign, URI.create("http://x"), 5, false))
                .getMessage().contains("not a client of this server"));
        assertTrue(assertThrows(ServerException.class, () -> store.addService(PROVIDER.service("ftp"),
                URI.create("ftp://x"), 5, false)).getMessage().contains("http(s)"));
        assertTrue(assertThrows(ServerException.class, () -> store.addService(PROVIDER.service("slow"),
                URI.create("http://x"), 601, false)).getMessage().contains("1..600"));
        assertTrue(assertThrows(ServerException.class, () -> store.grant(PERSON, new AccessRight.SubsystemSubject(TAX),
                "TRACE", "/", List.of())).getMessage().contains("TRACE"));
        assertTrue(assertThrows(ServerException.class, () -> store.grant(PERSON, new AccessRight.SubsystemSubject(TAX),
                "GET", "person", List.of())).getMessage().contains("must start with '/'"));
        assertTrue(assertThrows(ServerException.class, () -> store.grant(PERSON, new AccessRight.SubsystemSubject(TAX),
                "GET", "/", List.of("tax assessment"))).getMessage().contains("U+0020"));
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class, () -> store.grant(PERSON,
                new AccessRight.LocalGroupSubject("nobody"), "GET", "/", List.of())).kind());
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                () -> store.deleteService(PROVIDER.service("none"))).kind());
        assertEquals(ServerException.Kind.BAD_REQUEST, assertThrows(ServerException.class,
                () -> store.addClient(TAX, LocalClient.IsAuthentication.HTTPS, List.of())).kind());
        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> store.deleteClient(PROVIDER)).kind());

        assertEquals(before, store.current());
    }

    @Test
    void subjects_parseStrictly() throws ServerException {
        assertEquals(new AccessRight.GlobalGroupSubject(GlobalGroupId.parse("DEMO/group")), ConfValues.subject("global:DEMO/group"));
        assertEquals(new AccessRight.LocalGroupSubject("code"), ConfValues.subject("local:code"));
        assertEquals(new AccessRight.SubsystemSubject(TAX), ConfValues.subject("DEMO/GOV/1002/tax"));
        assertThrows(ServerException.class, () -> ConfValues.subject("DEMO/GOV"));
        assertThrows(ServerException.class, () -> ConfValues.subject("DEMO/GOV/1002/tax/extra"));
        assertThrows(ServerException.class, () -> ConfValues.subject("group:DEMO/x"));
        assertThrows(ServerException.class, () -> ConfValues.subject("local:a b"));
    }

    @Test
    void syncRegistrations_marksClientsListedForThisServer() throws ServerException {
        store.addClient(TAX, LocalClient.IsAuthentication.HTTP, List.of());

        store.syncRegistrations(global(List.of()));

        assertTrue(store.current().client(PROVIDER).orElseThrow().registered());
        assertEquals(Set.of(false), Set.of(store.current().client(TAX).orElseThrow().registered()));
    }
}
