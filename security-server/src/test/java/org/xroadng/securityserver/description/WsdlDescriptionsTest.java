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
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.conf.WsdlDescription;

/**
 * WSDL descriptions as an operator manages them: each SOAP operation becomes a service at the
 * document's address; a refresh adds and removes services and says which; delete takes the services
 * and their access rights with it; a bad document is refused naming the line, and changes nothing.
 */
class WsdlDescriptionsTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final SubsystemId PROVIDER = SubsystemId.parse("DEMO/GOV/1001/population");
    private static final URI SOURCE = URI.create("http://is.example/person.wsdl");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String ADDRESS = "http://127.0.0.1:9000/soap";

    @TempDir
    Path dir;

    private Database database;
    private ServerConfStore store;
    private final PublishedDocuments published = new PublishedDocuments();
    private WsdlDescriptions wsdls;

    /** Where the tables are: an H2 file here, a PostgreSQL database in {@link WsdlDescriptionsPostgresTest}. */
    DatabaseSettings storage() {
        return DatabaseSettings.embedded();
    }

    @BeforeEach
    void open() throws ServerException {
        database = storage().open(dir.resolve("server"), "securityserver");
        store = new ServerConfStore(database, SERVER, CLOCK);
        store.addClient(PROVIDER, LocalClient.IsAuthentication.HTTP, List.of());
        wsdls = new WsdlDescriptions(store, published);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void operations_becomeServicesAtTheDocumentsAddress_keptByteForByte() throws DescriptionException, ServerException {
        byte[] document = utf8(TestWsdl.of(ADDRESS, "personSoap", "addressSoap"));
        WsdlDescription added = wsdls.addContent(PROVIDER, document, true);

        WsdlDescription stored = new ServerConfStore(database, SERVER, CLOCK).wsdl(added.id()).orElseThrow();
        assertArrayEquals(document, stored.content());
        assertEquals(Optional.empty(), stored.source());
        assertEquals(List.of(PROVIDER.service("addressSoap"), PROVIDER.service("personSoap")), stored.services());
        LocalService person = store.current().service(PROVIDER.service("personSoap")).orElseThrow();
        assertEquals(URI.create(ADDRESS), person.url());
        assertTrue(person.personalData() && person.enabled());
        assertEquals(Optional.of(stored), store.current().wsdlOf(PROVIDER.service("personSoap")));
    }

    @Test
    void refreshFromUrl_reportsAddedAndRemovedServices_andKeepsTheRest() throws DescriptionException, ServerException {
        published.put(SOURCE, utf8(TestWsdl.of(ADDRESS, "personSoap", "oldSoap")));
        WsdlDescription added = wsdls.addFromUrl(PROVIDER, SOURCE.toString(), false);
        ServiceId old = PROVIDER.service("oldSoap");
        store.grant(old, new AccessRight.SubsystemSubject(SubsystemId.parse("DEMO/GOV/1002/tax")), "*", "/**",
                List.of());
        store.updateService(PROVIDER.service("personSoap"), URI.create("http://127.0.0.1:9001/moved"), 5, false, true);

        published.put(SOURCE, utf8(TestWsdl.of(ADDRESS, "personSoap", "newSoap")));
        ServerConfStore.WsdlChange change = wsdls.refresh(added.id(), null);

        assertEquals(List.of(PROVIDER.service("newSoap")), change.added());
        assertEquals(List.of(old), change.removed());
        assertTrue(store.current().service(old).isEmpty());
        assertTrue(store.accessRights().isEmpty(), "the removed service's access rights went with it");
        assertEquals(URI.create("http://127.0.0.1:9001/moved"),
                store.current().service(PROVIDER.service("personSoap")).orElseThrow().url(), "kept as the operator set it");
        assertEquals(URI.create(ADDRESS), store.current().service(PROVIDER.service("newSoap")).orElseThrow().url(),
                "new ones at the document's address");
        assertEquals(Optional.of(SOURCE), change.description().source());
    }

    @Test
    void delete_removesTheServicesMadeOfIt() throws DescriptionException, ServerException {
        WsdlDescription added = wsdls.addContent(PROVIDER, utf8(TestWsdl.of(ADDRESS, "personSoap")), false);
        wsdls.delete(added.id());
        assertTrue(store.current().service(PROVIDER.service("personSoap")).isEmpty());
        assertTrue(store.wsdls().isEmpty());
        assertEquals(ServerException.Kind.NOT_FOUND, assertThrows(ServerException.class, () -> wsdls.delete(added.id())).kind());
    }

    @Test
    void operationThatIsAlreadyAService_refusesTheWholeDocument() throws ServerException {
        store.addService(PROVIDER.service("personSoap"), URI.create(ADDRESS), 10, false);
        ServerException e = assertThrows(ServerException.class, () -> wsdls.addContent(PROVIDER,
                utf8(TestWsdl.of(ADDRESS, "otherSoap", "personSoap")), false));
        assertTrue(e.getMessage().contains("personSoap"), e.getMessage());
        assertTrue(store.wsdls().isEmpty());
        assertTrue(store.current().service(PROVIDER.service("otherSoap")).isEmpty(), "nothing of it was stored");
    }

    @Test
    void badDocuments_areRefusedNamingTheLine_andStoreNothing() {
        assertProblem(TestWsdl.of(ADDRESS, "person soap"), "line 8: operation 'person soap' cannot be a service code");
        assertProblem(TestWsdl.of(ADDRESS, "getWsdl"), "line 8: operation 'getWsdl' is reserved");
        assertProblem(TestWsdl.of("ftp://is.example/x", "personSoap"), "line 14: soap:address location 'ftp://is.example/x'");
        assertProblem(TestWsdl.of(ADDRESS, "personSoap").replace("<soap:binding style=\"document\" transport="
                + "\"http://schemas.xmlsoap.org/soap/http\"/>", ""), "no wsdl:binding holds a soap:binding");
        assertProblem("<definitions/>", "line 1: the root element is definitions");
        assertProblem(TestWsdl.of(ADDRESS, "personSoap").replace("</wsdl:binding>", ""), "line 17");
        assertProblem("<!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><wsdl:definitions"
                + " xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">&e;</wsdl:definitions>", "DOCTYPE");
        assertProblem(TestWsdl.of(ADDRESS, "personSoap").replace("<wsdl:portType name=\"population\"/>",
                "<wsdl:import namespace=\"urn:x\" location=\"http://evil.example/x.wsdl\"/>"), "line 5: wsdl:import");
        assertTrue(store.wsdls().isEmpty());
        assertTrue(store.services().isEmpty());
    }

    private void assertProblem(String document, String expected) {
        DescriptionException e = assertThrows(DescriptionException.class, () -> wsdls.addContent(PROVIDER,
                utf8(document), false));
        assertEquals(DescriptionException.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
