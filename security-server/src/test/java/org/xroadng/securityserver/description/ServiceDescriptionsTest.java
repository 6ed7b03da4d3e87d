package org.xroadng.securityserver.description;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.ServiceDescription;
import org.xroadng.securityserver.conf.ServiceEndpoint;

/**
 * Service descriptions as an operator manages them, stored in the server's database: kept byte
 * for byte, refused whole when bad, refreshed with what changed, seen by the other nodes.
 */
class ServiceDescriptionsTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final SubsystemId PROVIDER = SubsystemId.parse("DEMO/GOV/1001/population");
    private static final ServiceId PERSON = PROVIDER.service("person");
    private static final URI SOURCE = URI.create("http://is.example/openapi.yaml?v=1");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    static final String V1 = TestDescriptions.PERSON;
    static final String V2 = TestDescriptions.PERSON_V2;


    @TempDir
    Path dir;

    private Database database;
    private ServerConfStore store;
    private final PublishedDocuments published = new PublishedDocuments();
    private ServiceDescriptions descriptions;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link ServiceDescriptionsPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void open() throws ServerException {
        database = storage().open(dir.resolve("server"), "securityserver");
        store = new ServerConfStore(database, SERVER, CLOCK);
        store.addClient(PROVIDER, LocalClient.IsAuthentication.HTTP, List.of());
        store.addService(PERSON, URI.create("http://127.0.0.1:9000/person"), 30, true);
        descriptions = new ServiceDescriptions(store, published);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void uploadedDescription_isKeptByteForByte_withItsEndpoints() throws ServerException, DescriptionException {
        descriptions.addContent(PERSON, utf8(V1));

        ServiceDescription stored = new ServerConfStore(database, SERVER, CLOCK).current().description(PERSON)
                .orElseThrow();
        assertArrayEquals(utf8(V1), stored.content(), "as uploaded, read back from the database");
        assertEquals(Optional.empty(), stored.source());
        assertEquals("text/yaml", stored.contentType());
        assertEquals(List.of(new ServiceEndpoint("GET", "/file/*.json"), new ServiceEndpoint("DELETE", "/person/*"),
                new ServiceEndpoint("GET", "/person/*"), new ServiceEndpoint("POST", "/person/search")),
                stored.endpoints());
        assertEquals(List.of(stored), store.descriptions());
    }

    @Test
    void badDescription_isRefusedNamingTheProblem_andStoresNothing() throws ServerException {
        DescriptionException e = assertThrows(DescriptionException.class, () -> descriptions.addContent(PERSON,
                utf8("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get: {summary: s}\n")));
        assertTrue(e.getMessage().contains("paths.'/x'(get).responses"), e.getMessage());
        assertTrue(store.current().description(PERSON).isEmpty());
        assertTrue(new ServerConfStore(database, SERVER, CLOCK).current().description(PERSON).isEmpty(),
                "nothing in the database either");
        assertEquals(false, store.refreshIfChanged(), "no change, no audit row");
    }

    @Test
    void refreshFromUrl_reportsEndpointsAddedAndRemoved() throws ServerException, DescriptionException {
        published.put(SOURCE, utf8(V1));
        ServiceDescription first = descriptions.addFromUrl(PERSON, SOURCE.toString());
        assertEquals(Optional.of(SOURCE), first.source());

        published.put(SOURCE, utf8(V2));
        ServiceDescriptions.Refreshed refreshed = descriptions.refresh(PERSON, null);

        assertEquals(List.of(new ServiceEndpoint("GET", "/person/*/address")), refreshed.added());
        assertEquals(List.of(new ServiceEndpoint("GET", "/file/*.json"), new ServiceEndpoint("DELETE", "/person/*"),
                new ServiceEndpoint("POST", "/person/search")), refreshed.removed());
        assertArrayEquals(utf8(V2), store.current().description(PERSON).orElseThrow().content());
        assertEquals(Optional.of(SOURCE), store.current().description(PERSON).orElseThrow().source());
    }

    @Test
    void refreshWithABadDocument_keepsTheOldOne() throws ServerException, DescriptionException {
        descriptions.addContent(PERSON, utf8(V1));
        assertThrows(DescriptionException.class, () -> descriptions.refresh(PERSON, utf8("openapi: [")));
        assertArrayEquals(utf8(V1), store.current().description(PERSON).orElseThrow().content());
        ServerException mixed = assertThrows(ServerException.class, () -> descriptions.refresh(PERSON, null));
        assertTrue(mixed.getMessage().contains("uploaded"), mixed.getMessage());
    }

    @Test
    void unreadableUrl_unknownService_andDuplicate_areRefused() throws ServerException, DescriptionException {
        DescriptionException unavailable = assertThrows(DescriptionException.class,
                () -> descriptions.addFromUrl(PERSON, SOURCE.toString()));
        assertEquals(DescriptionException.Kind.UNAVAILABLE, unavailable.kind());
        assertThrows(ServerException.class, () -> descriptions.addFromUrl(PERSON, "ftp://is.example/x"));
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                () -> descriptions.addContent(PROVIDER.service("nosuch"), utf8(V1))).kind());
        descriptions.addContent(PERSON, utf8(V1));
        assertEquals(ServerException.Kind.CONFLICT, assertThrows(ServerException.class,
                () -> descriptions.addContent(PERSON, utf8(V2))).kind());
    }

    @Test
    void deletingTheDescriptionOrTheService_removesItAndItsEndpoints() throws ServerException, DescriptionException {
        descriptions.addContent(PERSON, utf8(V1));
        descriptions.delete(PERSON);
        assertTrue(store.current().description(PERSON).isEmpty());
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class,
                () -> descriptions.delete(PERSON)).kind());

        descriptions.addContent(PERSON, utf8(V1));
        store.deleteService(PERSON);
        assertTrue(store.current().descriptions().isEmpty(), "cascaded with the service");
    }

    @Test
    void metadataServiceCodes_areReserved() {
        for (String code : List.of("listMethods", "allowedMethods", "getOpenAPI", "listClients")) {
            ServerException e = assertThrows(ServerException.class, () -> store.addService(PROVIDER.service(code),
                    URI.create("http://127.0.0.1:9000/x"), 30, false));
            assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        }
    }

    @Test
    void aChange_writesAnAuditRow_soAnotherNodeReloads() throws ServerException, DescriptionException {
        ServerConfStore otherNode = new ServerConfStore(database, SERVER, CLOCK);
        descriptions.addContent(PERSON, utf8(V1));
        assertTrue(otherNode.refreshIfChanged());
        assertArrayEquals(utf8(V1), otherNode.current().description(PERSON).orElseThrow().content());
        descriptions.refresh(PERSON, utf8(V2));
        assertTrue(otherNode.refreshIfChanged());
        assertArrayEquals(utf8(V2), otherNode.current().description(PERSON).orElseThrow().content());
    }
}
