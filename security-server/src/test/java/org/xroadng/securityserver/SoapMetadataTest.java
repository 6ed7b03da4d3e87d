package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.TestWsdl;
import org.xroadng.securityserver.description.WsdlDescriptions;

/**
 * X-Road's SOAP metadata services (PR-META) through the exchange, with the provider's services
 * made from a WSDL uploaded as an operator does ({@link WsdlDescriptions}, a real
 * {@link ServerConfStore}): listMethods lists the SOAP services; allowedMethods lists those the
 * caller has a right to (the tax board: personSoap; the bank: nothing); getWsdl answers the WSDL as
 * an attachment with the provider IS's address hidden; and the services made of the WSDL answer.
 */
class SoapMetadataTest {

    private static final ServiceId PERSON_SOAP = TestNetwork.POPULATION.service("personSoap");
    private static final String XRD = "http://x-road.eu/xsd/xroad.xsd";
    private static final String ID = "http://x-road.eu/xsd/identifiers";

    @TempDir
    static Path dir;

    static TestNetwork network;
    static Database database;
    static ServerConfStore store;
    static String wsdl;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, DescriptionException,
            IOException, KeyStoreException, NoSuchAlgorithmException, ServerException, SigningException,
            UnrecoverableKeyException {
        network = new TestNetwork(dir);
        database = DatabaseSettings.embedded().open(dir.resolve("provider-conf"), "securityserver");
        store = new ServerConfStore(database, network.provider.serverId(), Clock.systemUTC());
        store.addClient(TestNetwork.POPULATION, LocalClient.IsAuthentication.HTTP, List.of());
        store.addService(TestNetwork.PERSON, URI.create(network.providerIs.baseUrl() + "/person-api"), 10, false);
        wsdl = TestWsdl.of(network.providerIs.baseUrl() + "/soap-is", "personSoap", "addressSoap");
        new WsdlDescriptions(store, url -> {
            throw new DescriptionException(DescriptionException.Kind.UNAVAILABLE, "not in this test");
        }).addContent(TestNetwork.POPULATION, wsdl.getBytes(StandardCharsets.UTF_8), false);
        store.grant(PERSON_SOAP, new AccessRight.SubsystemSubject(TestNetwork.TAX), "*", "/**", List.of());
        network.providerConf.set(store.current());
    }

    @AfterAll
    static void stop() {
        network.close();
        database.close();
    }

    private HttpResponse<byte[]> call(ClientId client, String code, String body) throws IOException,
            InterruptedException {
        String request = SoapMessages.request(client, TestNetwork.POPULATION.service(code), "meta-" + code, "", body);
        return is.send(HttpRequest.newBuilder(network.consumerUri("/")).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<String> serviceCodes(HttpResponse<byte[]> response, String wrapper) throws XmlException {
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        Document answer = SafeXml.parse(response.body(), SafeXml.DEFAULT);
        assertEquals(1, answer.getElementsByTagNameNS(XRD, wrapper).getLength());
        assertEquals(1, answer.getElementsByTagNameNS(XRD, "requestHash").getLength(), "an exchange like any other");
        List<String> codes = new ArrayList<>();
        NodeList services = answer.getElementsByTagNameNS(XRD, "service");
        for (int i = 0; i < services.getLength(); i++) {
            org.w3c.dom.Element service = (org.w3c.dom.Element) services.item(i);
            if (service.getParentNode().getLocalName().equals(wrapper)) {
                codes.add(service.getElementsByTagNameNS(ID, "serviceCode").item(0).getTextContent());
            }
        }
        return codes;
    }

    @Test
    void listMethods_listsTheSoapServicesOnly() throws IOException, InterruptedException, XmlException {
        assertEquals(List.of("addressSoap", "personSoap"),
                serviceCodes(call(TestNetwork.LOANS, "listMethods", "<xrd:listMethods/>"), "listMethodsResponse"));
    }

    @Test
    void restListMethods_leavesTheSoapServicesOut() throws IOException, InterruptedException {
        HttpResponse<String> rest = is.send(HttpRequest.newBuilder(network.consumerUri(
                "/r1/DEMO/GOV/1001/population/listMethods")).header("X-Road-Client", "DEMO/GOV/1002/tax").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rest.statusCode(), rest.body());
        assertTrue(rest.body().contains("\"service_code\":\"person\""), rest.body());
        assertFalse(rest.body().contains("Soap"), "SOAP services are listed by the SOAP metadata services: " + rest.body());
    }

    @Test
    void allowedMethods_followTheAccessRights() throws IOException, InterruptedException, XmlException {
        assertEquals(List.of("personSoap"), serviceCodes(call(TestNetwork.TAX, "allowedMethods",
                "<xrd:allowedMethods/>"), "allowedMethodsResponse"));
        assertEquals(List.of(), serviceCodes(call(TestNetwork.LOANS, "allowedMethods", "<xrd:allowedMethods/>"),
                "allowedMethodsResponse"));
    }

    @Test
    void getWsdl_answersTheDocumentAsAnAttachment_withTheAddressHidden() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = call(TestNetwork.LOANS, "getWsdl",
                "<xrd:getWsdl><xrd:serviceCode>personSoap</xrd:serviceCode></xrd:getWsdl>");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("multipart/related"));
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("getWsdlResponse") && body.contains("<wsdl:operation name=\"personSoap\">"), body);
        assertTrue(body.contains("location=\"http://example.org/xroad-endpoint\""), body);
        assertFalse(body.contains(network.providerIs.baseUrl()), "the provider IS's address stays hidden");
    }

    @Test
    void getWsdl_ofAServiceWithoutWsdl_isUnknownService() throws IOException, InterruptedException, XmlException {
        SoapProfileTest.assertFault(call(TestNetwork.TAX, "getWsdl",
                "<xrd:getWsdl><xrd:serviceCode>person</xrd:serviceCode></xrd:getWsdl>"),
                "Server.ServerProxy.UnknownService");
    }

    @Test
    void metadataRequestWithAnotherBody_isInvalidSoap() throws IOException, InterruptedException, XmlException {
        SoapProfileTest.assertFault(call(TestNetwork.TAX, "listMethods", "<xrd:getWsdl/>"), "Client.InvalidSoap");
    }

    @Test
    void serviceMadeOfTheWsdl_answersAtItsAddress() throws IOException, InterruptedException, XmlException {
        network.providerIs.stubFor(post(urlEqualTo("/soap-is")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(SoapMessages.envelope("", "<ps:personSoapResponse/>"))));
        HttpResponse<byte[]> response = call(TestNetwork.TAX, "personSoap", "<ps:personSoap/>");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        SoapProfileTest.assertFault(call(TestNetwork.LOANS, "personSoap", "<ps:personSoap/>"),
                "Server.ServerProxy.AccessDenied");
    }
}
