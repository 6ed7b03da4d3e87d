package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.ServiceDescriptions;
import org.xroadng.securityserver.description.TestDescriptions;

/**
 * X-Road's metadata services for REST as an information system sees them, over two real security
 * servers with real TLS and a WireMock provider IS: listClients from the client's own server,
 * listMethods, allowedMethods and getOpenAPI from the provider's server through the signed
 * exchange, and per-endpoint access rights. The provider's configuration is a real
 * {@link ServerConfStore} (H2), its description uploaded as an operator does.
 */
class MetadataServicesTest {

    private static final String PROVIDER = "/r1/DEMO/GOV/1001/population";
    private static final ServiceId ADDRESS = TestNetwork.POPULATION.service("address");
    private static final String PERSON_API = TestDescriptions.PERSON;

    @TempDir
    static Path dir;

    static TestNetwork network;
    static Database database;
    static ServerConfStore store;
    private final HttpClient is = HttpClient.newHttpClient();
    private final List<Long> granted = new ArrayList<>();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException,
            ServerException, DescriptionException {
        network = new TestNetwork(dir);
        database = DatabaseSettings.embedded().open(dir.resolve("provider-conf"), "securityserver");
        store = new ServerConfStore(database, network.provider.serverId(), Clock.systemUTC());
        store.addClient(TestNetwork.POPULATION, LocalClient.IsAuthentication.HTTP, List.of());
        store.addService(TestNetwork.PERSON, URI.create(network.providerIs.baseUrl() + "/person-api"), 10, false);
        store.addService(ADDRESS, URI.create(network.providerIs.baseUrl() + "/address-api"), 10, false);
        new ServiceDescriptions(store, url -> {
            throw new DescriptionException(DescriptionException.Kind.UNAVAILABLE, "not in this test");
        }).addContent(TestNetwork.PERSON, PERSON_API.getBytes(StandardCharsets.UTF_8));
        publish();
    }

    @AfterAll
    static void stop() {
        network.close();
        database.close();
    }

    @BeforeEach
    void stubProvider() {
        network.providerIs.resetAll();
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    @AfterEach
    void revoke() throws ServerException {
        for (long id : granted) {
            store.revoke(id);
        }
        granted.clear();
        publish();
    }

    /** The provider's server reads its configuration from the store, as a running server does. */
    private static void publish() {
        LocalConfiguration stored = store.current();
        network.providerConf.set(stored);
    }

    private void grant(ServiceId service, String client, String method, String path) throws ServerException {
        granted.add(store.grant(service, new AccessRight.SubsystemSubject(
                org.xroadng.protocol.id.ClientId.parse(client)), method, path, List.of()).id());
        publish();
    }

    private HttpResponse<String> get(String pathAndQuery, String client) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(network.consumerUri(pathAndQuery));
        if (client != null) {
            request.header("X-Road-Client", client);
        }
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return ProtocolJson.mapper().readTree(response.body());
    }

    /** {@code [code, [METHOD path, ...]]} per listed service, as compact text. */
    private static List<String> services(HttpResponse<String> response) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode service : json(response).get("service")) {
            List<String> endpoints = new ArrayList<>();
            service.get("endpoint_list").forEach(e -> endpoints.add(e.get("method").asText() + " " + e.get("path").asText()));
            out.add(service.get("service_code").asText() + " " + service.get("service_type").asText() + " " + endpoints);
        }
        return out;
    }

    @Test
    void listClients_asJson_listsTheInstancesMembersAndSubsystems() throws IOException, InterruptedException {
        HttpResponse<String> response = is.send(HttpRequest.newBuilder(network.consumerUri("/r1/listClients"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        List<String> listed = new ArrayList<>();
        for (JsonNode member : json(response).get("member")) {
            JsonNode id = member.get("id");
            listed.add(id.get("object_type").asText() + " " + id.get("xroad_instance").asText() + "/"
                    + id.get("member_class").asText() + "/" + id.get("member_code").asText()
                    + (id.has("subsystem_code") ? "/" + id.get("subsystem_code").asText() : "")
                    + " " + member.get("name").asText());
        }
        assertTrue(listed.contains("SUBSYSTEM DEMO/GOV/1001/population Population Registry"), listed.toString());
        assertTrue(listed.contains("MEMBER DEMO/GOV/1001 Population Registry"), listed.toString());
        assertTrue(listed.contains("SUBSYSTEM DEMO/COM/2001/loans Bank"), listed.toString());
        assertEquals(8, listed.size(), "four members and their four subsystems: " + listed);
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void listClients_withoutAccept_isXRoadsXml_andAnotherInstanceIsEmpty()
            throws IOException, InterruptedException, ParserConfigurationException, SAXException {
        HttpResponse<String> response = get("/listClients", null);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/xml; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document xml = factory.newDocumentBuilder().parse(new ByteArrayInputStream(
                response.body().getBytes(StandardCharsets.UTF_8)));
        String xroad = "http://x-road.eu/xsd/xroad.xsd";
        String ids = "http://x-road.eu/xsd/identifiers";
        assertEquals("clientList", xml.getDocumentElement().getLocalName());
        assertEquals(xroad, xml.getDocumentElement().getNamespaceURI());
        List<String> subsystems = new ArrayList<>();
        var members = xml.getElementsByTagNameNS(xroad, "member");
        for (int i = 0; i < members.getLength(); i++) {
            Element id = (Element) ((Element) members.item(i)).getElementsByTagNameNS(xroad, "id").item(0);
            if ("SUBSYSTEM".equals(id.getAttributeNS(ids, "objectType"))) {
                subsystems.add(id.getElementsByTagNameNS(ids, "memberCode").item(0).getTextContent() + "/"
                        + id.getElementsByTagNameNS(ids, "subsystemCode").item(0).getTextContent());
            }
        }
        assertEquals(List.of("2001/loans", "1000/portal", "1001/population", "1002/tax"), subsystems);

        HttpResponse<String> other = get("/r1/listClients?xRoadInstance=OTHER", null);
        assertEquals(200, other.statusCode());
        assertTrue(!other.body().contains("<xroad:member>"), other.body());
        HttpResponse<String> post = is.send(HttpRequest.newBuilder(network.consumerUri("/r1/listClients"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, post.statusCode());
        assertEquals("Client.BadRequest", post.headers().firstValue("X-Road-Error").orElse(""));
    }

    @Test
    void listMethods_listsEveryServiceWithItsDeclaredEndpoints_throughTheSignedExchange()
            throws IOException, InterruptedException {
        HttpResponse<String> response = get(PROVIDER + "/listMethods", "DEMO/COM/2001/loans");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of("address REST []", "person OPENAPI [GET /file/*.json, DELETE /person/*, GET /person/*, POST /person/search]"),
                services(response));
        JsonNode person = json(response).get("service").get(1);
        assertEquals("SERVICE", person.get("object_type").asText());
        assertEquals("DEMO", person.get("xroad_instance").asText());
        assertEquals("GOV", person.get("member_class").asText());
        assertEquals("1001", person.get("member_code").asText());
        assertEquals("population", person.get("subsystem_code").asText());
        assertEquals(88, response.headers().firstValue("X-Road-Request-Hash").orElse("").length(),
                "answered through the exchange: the consumer's server checked the provider's signed answer");
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size(), "the provider IS is not asked");
    }

    @Test
    void allowedMethods_followsTheAccessRights() throws IOException, InterruptedException, ServerException {
        assertEquals(List.of(), services(get(PROVIDER + "/allowedMethods", "DEMO/COM/2001/loans")),
                "a client without rights is allowed nothing");

        grant(TestNetwork.PERSON, "DEMO/COM/2001/loans", "GET", "/person/*");
        assertEquals(List.of("person OPENAPI [GET /person/*]"),
                services(get(PROVIDER + "/allowedMethods", "DEMO/COM/2001/loans")), "only the endpoint granted");

        grant(ADDRESS, "DEMO/COM/2001/loans", "*", "/**");
        grant(TestNetwork.PERSON, "DEMO/GOV/1002/tax", "*", "/**");
        assertEquals(List.of("address REST [* /**]", "person OPENAPI [GET /person/*]"),
                services(get(PROVIDER + "/allowedMethods", "DEMO/COM/2001/loans")));
        assertEquals(List.of("person OPENAPI [GET /file/*.json, DELETE /person/*, GET /person/*, POST /person/search]"),
                services(get(PROVIDER + "/allowedMethods", "DEMO/GOV/1002/tax")),
                "a right for the whole service allows every declared endpoint");
    }

    @Test
    void getOpenAPI_returnsTheUploadedDescriptionByteForByte() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = is.send(HttpRequest.newBuilder(
                network.consumerUri(PROVIDER + "/getOpenAPI?serviceCode=person"))
                .header("X-Road-Client", "DEMO/COM/2001/loans").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertArrayEquals(PERSON_API.getBytes(StandardCharsets.UTF_8), response.body());
        assertEquals("text/yaml", response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void getOpenAPI_withoutServiceCode_orForAnUndescribedService_isAClearError()
            throws IOException, InterruptedException {
        HttpResponse<String> missing = get(PROVIDER + "/getOpenAPI", "DEMO/COM/2001/loans");
        assertEquals(400, missing.statusCode(), missing.body());
        assertEquals("Client.BadRequest", missing.headers().firstValue("X-Road-Error").orElse(""));
        assertTrue(json(missing).get("message").asText().contains("serviceCode"), missing.body());

        HttpResponse<String> undescribed = get(PROVIDER + "/getOpenAPI?serviceCode=address", "DEMO/COM/2001/loans");
        assertEquals("Server.ServerProxy.UnknownService", undescribed.headers().firstValue("X-Road-Error").orElse(""));
        assertTrue(json(undescribed).get("message").asText().contains("no OpenAPI description"), undescribed.body());

        HttpResponse<String> unknownSubsystem = get("/r1/DEMO/GOV/1001/nosuch/listMethods", "DEMO/COM/2001/loans");
        assertEquals(500, unknownSubsystem.statusCode());
        HttpResponse<String> post = is.send(HttpRequest.newBuilder(network.consumerUri(PROVIDER + "/listMethods"))
                .header("X-Road-Client", "DEMO/COM/2001/loans").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, post.statusCode(), post.body());
        assertEquals("Client.BadRequest", post.headers().firstValue("X-Road-Error").orElse(""));
    }

    @Test
    void perEndpointRight_allowsTheMatchingCall_andRefusesAnotherMethodOrPath()
            throws IOException, InterruptedException, ServerException {
        grant(TestNetwork.PERSON, "DEMO/COM/2001/loans", "GET", "/person/*");

        HttpResponse<String> allowed = get(PROVIDER + "/person/person/EE1", "DEMO/COM/2001/loans");
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals("ok", allowed.body());

        HttpResponse<String> otherPath = get(PROVIDER + "/person/person/EE1/address", "DEMO/COM/2001/loans");
        assertEquals(500, otherPath.statusCode(), otherPath.body());
        assertEquals("Server.ServerProxy.AccessDenied", otherPath.headers().firstValue("X-Road-Error").orElse(""));
        HttpResponse<String> otherMethod = is.send(HttpRequest.newBuilder(
                network.consumerUri(PROVIDER + "/person/person/EE1")).header("X-Road-Client", "DEMO/COM/2001/loans")
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("Server.ServerProxy.AccessDenied", otherMethod.headers().firstValue("X-Road-Error").orElse(""));
        assertEquals(1, network.providerIs.findAll(anyRequestedFor(anyUrl())).size(), "only the allowed call got through");
    }
}
