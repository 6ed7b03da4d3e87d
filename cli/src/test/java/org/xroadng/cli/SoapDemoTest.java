package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.headers.Header;
import org.apache.cxf.jaxws.endpoint.dynamic.JaxWsDynamicClientFactory;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xroadng.cli.demo.DemoCast;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.Progress;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The demo's SOAP service {@code personSoap} as an X-Road SOAP client reaches it: its WSDL fetched
 * with getWsdl through the exchange, a client made from that WSDL by Apache CXF's dynamic JAX-WS
 * client (XJC compiles the WSDL's types; nobody here wrote the client), calling through the tax
 * board's client proxy with the X-Road header, and getting the person and the echoed header with
 * requestHash back; the bank gets CXF's SOAP fault with X-Road's code. Then an operator's
 * {@code xroad server service wsdl} commands against the population registry's server.
 */
class SoapDemoTest {

    private static final String XRD = "http://x-road.eu/xsd/xroad.xsd";
    private static final String ID = "http://x-road.eu/xsd/identifiers";
    private static final String EXT = "urn:xroad-ng:soap:extensions";

    @TempDir
    static Path dir;

    private static DemoNetwork network;
    private static Path wsdl;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws DemoException, IOException, InterruptedException {
        network = DemoNetwork.start(dir.resolve("demo"), new DemoPorts(RunningDemo.freeBasePort()),
                new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                new Progress(new PrintWriter(Writer.nullWriter())));
        wsdl = Files.write(dir.resolve("personSoap.wsdl"), attachment(getWsdl()));
    }

    @AfterAll
    static void stop() {
        if (network != null) {
            network.close();
        }
    }

    /** getWsdl for personSoap, sent as an X-Road SOAP request by hand, through the tax board's server. */
    private static HttpResponse<byte[]> getWsdl() throws IOException, InterruptedException {
        String request = "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:xrd=\"" + XRD + "\" xmlns:id=\"" + ID + "\"><SOAP-ENV:Header>"
                + "<xrd:client id:objectType=\"SUBSYSTEM\"><id:xRoadInstance>DEMO</id:xRoadInstance>"
                + "<id:memberClass>GOV</id:memberClass><id:memberCode>1002</id:memberCode>"
                + "<id:subsystemCode>tax</id:subsystemCode></xrd:client>"
                + "<xrd:service id:objectType=\"SERVICE\"><id:xRoadInstance>DEMO</id:xRoadInstance>"
                + "<id:memberClass>GOV</id:memberClass><id:memberCode>1001</id:memberCode>"
                + "<id:subsystemCode>population</id:subsystemCode><id:serviceCode>getWsdl</id:serviceCode>"
                + "</xrd:service><xrd:id>wsdl-1</xrd:id><xrd:protocolVersion>4.0</xrd:protocolVersion>"
                + "</SOAP-ENV:Header><SOAP-ENV:Body><xrd:getWsdl><xrd:serviceCode>personSoap</xrd:serviceCode>"
                + "</xrd:getWsdl></SOAP-ENV:Body></SOAP-ENV:Envelope>";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(network.consumer().clientProxyUrl())
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The second part of a multipart/related answer, cut at its boundary. */
    private static byte[] attachment(HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(type.startsWith("multipart/related"), type);
        String boundary = "--" + type.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        String body = new String(response.body(), StandardCharsets.ISO_8859_1);
        String[] parts = body.split(java.util.regex.Pattern.quote(boundary));
        String second = parts[2];
        return second.substring(second.indexOf("\r\n\r\n") + 4, second.lastIndexOf("\r\n"))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Client cxfClient() throws IOException {
        Client client = JaxWsDynamicClientFactory.newInstance().createClient(wsdl.toUri().toURL());
        client.getEndpoint().getEndpointInfo().setAddress(network.consumer().clientProxyUrl().toString());
        return client;
    }

    /** The X-Road header of a call by {@code caller}: client, service, id, userId, protocolVersion, purpose, subject. */
    private static List<Header> xroadHeader(ClientId caller, String id) throws ParserConfigurationException {
        Document doc = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder().newDocument();
        List<Header> headers = new ArrayList<>();
        Element client = identifier(doc, "client", caller instanceof SubsystemId ? "SUBSYSTEM" : "MEMBER",
                caller.member().instance(), caller.member().memberClass(), caller.member().memberCode(),
                caller instanceof SubsystemId s ? s.subsystemCode() : null, null);
        Element service = identifier(doc, "service", "SERVICE", "DEMO", "GOV", "1001", "population", "personSoap");
        headers.add(header(client));
        headers.add(header(service));
        headers.add(header(text(doc, XRD, "xrd:id", id)));
        headers.add(header(text(doc, XRD, "xrd:userId", "EE47101010033")));
        headers.add(header(text(doc, XRD, "xrd:protocolVersion", "4.0")));
        headers.add(header(text(doc, EXT, "xng:purpose", DemoCast.TAX_PURPOSE)));
        headers.add(header(text(doc, EXT, "xng:subject", DemoCast.CITIZEN)));
        return headers;
    }

    private static Header header(Element element) {
        return new Header(new QName(element.getNamespaceURI(), element.getLocalName()), element);
    }

    private static Element identifier(Document doc, String name, String type, String instance, String memberClass,
                                      String member, String subsystem, String serviceCode) {
        Element id = doc.createElementNS(XRD, "xrd:" + name);
        id.setAttributeNS(ID, "id:objectType", type);
        id.appendChild(text(doc, ID, "id:xRoadInstance", instance));
        id.appendChild(text(doc, ID, "id:memberClass", memberClass));
        id.appendChild(text(doc, ID, "id:memberCode", member));
        if (subsystem != null) {
            id.appendChild(text(doc, ID, "id:subsystemCode", subsystem));
        }
        if (serviceCode != null) {
            id.appendChild(text(doc, ID, "id:serviceCode", serviceCode));
        }
        return id;
    }

    private static Element text(Document doc, String namespace, String name, String value) {
        Element element = doc.createElementNS(namespace, name);
        element.setTextContent(value);
        return element;
    }

    @Test
    void getWsdl_hidesTheProviderIsAddress() throws IOException {
        String document = Files.readString(wsdl);
        assertTrue(document.contains("<wsdl:operation name=\"personSoap\">"), document);
        assertTrue(document.contains("location=\"http://example.org/xroad-endpoint\""), document);
        assertFalse(document.contains(network.providerIsUrl().toString()), document);
    }

    @Test
    void cxfClientFromTheWsdl_callsPersonSoap_andGetsThePersonAndTheEchoedHeader() throws IOException,
            IllegalAccessException, InvocationTargetException, NoSuchMethodException, ParserConfigurationException {
        Client client = cxfClient();
        try {
            client.getRequestContext().put(Header.HEADER_LIST, xroadHeader(DemoCast.TAX, "cxf-query-1"));
            Object[] answer = invoke(client, "personSoap", DemoCast.CITIZEN);

            assertEquals(1, answer.length, Arrays.toString(answer));
            Object person = answer[0]; // a class XJC generated from the WSDL's Person type
            assertEquals("Mari", person.getClass().getMethod("getGivenName").invoke(person));
            assertEquals("Maasikas", person.getClass().getMethod("getFamilyName").invoke(person));
            @SuppressWarnings("unchecked")
            List<Header> echoed = (List<Header>) client.getResponseContext().get(Header.HEADER_LIST);
            Map<String, String> fields = new java.util.HashMap<>();
            for (Header header : echoed) {
                fields.put(header.getName().getLocalPart(), ((Element) header.getObject()).getTextContent().strip());
            }
            assertEquals("cxf-query-1", fields.get("id"), fields.toString());
            assertEquals("4.0", fields.get("protocolVersion"), fields.toString());
            assertEquals(DemoCast.TAX_PURPOSE, fields.get("purpose"), fields.toString());
            assertTrue(fields.get("client").replaceAll("\\s", "").contains("DEMOGOV1002tax"), fields.toString());
            assertEquals(88, fields.get("requestHash").length(), "base64 of SHA-512: " + fields);
        } finally {
            client.destroy();
        }
    }

    @Test
    void cxfClientForTheBank_getsAccessDeniedFault() throws IOException, ParserConfigurationException {
        Client client = cxfClient();
        try {
            client.getRequestContext().put(Header.HEADER_LIST, xroadHeader(DemoCast.LOANS, "cxf-query-2"));
            SoapFault fault = assertThrows(SoapFault.class, () -> client.invoke("personSoap", DemoCast.CITIZEN));
            assertEquals("Server.ServerProxy.AccessDenied", fault.getFaultCode().getLocalPart(), fault.getMessage());
        } finally {
            client.destroy();
        }
    }

    @Test
    void operatorManagesWsdlDescriptionsWithTheCli() throws IOException, InterruptedException {
        CliRunner xroad = new CliRunner(Map.of(ServerCommand.URL_ENV, network.provider().adminUrl().toString(),
                ServerCommand.KEY_ENV, network.provider().apiKey()));
        CliRunner.Run listed = xroad.run("server", "service", "wsdl", "list");
        assertEquals(0, listed.exitCode(), listed.err());
        assertTrue(listed.out().contains(network.personWsdlUrl().toString()), listed.out());

        String extra = Files.readString(wsdl).replace("http://example.org/xroad-endpoint",
                network.providerIsUrl() + "/soap").replace("\"personSoap\"", "\"addressSoap\"");
        Path upload = Files.writeString(dir.resolve("address.wsdl"), extra);
        CliRunner.Run added = xroad.run("server", "service", "wsdl", "add", DemoCast.POPULATION.format(), "--file",
                upload.toString());
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("services addressSoap"), added.out());
        String id = added.out().replaceAll("(?s).*WSDL (\\d+) of.*", "$1");

        Path bad = Files.writeString(dir.resolve("bad.wsdl"), extra.replace("name=\"addressSoap\"", "name=\"a b\""));
        CliRunner.Run refused = xroad.run("server", "service", "wsdl", "refresh", id, "--file", bad.toString());
        assertTrue(refused.exitCode() != 0, refused.out());
        assertTrue(refused.err().contains("operation 'a b' cannot be a service code") && refused.err().contains("line "),
                refused.err());

        Path renamed = Files.writeString(dir.resolve("renamed.wsdl"), extra.replace("\"addressSoap\"", "\"homeSoap\""));
        CliRunner.Run refreshed = xroad.run("server", "service", "wsdl", "refresh", id, "--file", renamed.toString());
        assertEquals(0, refreshed.exitCode(), refreshed.err());
        assertTrue(refreshed.out().contains("added:   homeSoap") && refreshed.out().contains("removed: addressSoap"),
                refreshed.out());

        CliRunner.Run deleted = xroad.run("server", "service", "wsdl", "delete", id);
        assertEquals(0, deleted.exitCode(), deleted.err());
        CliRunner.Run services = xroad.run("server", "service", "list");
        assertFalse(services.out().contains("homeSoap"), services.out());
        assertTrue(services.out().contains("personSoap"), services.out());
    }

    /** A call through CXF's dynamic client, whose {@code invoke} may fail with any exception: a failure fails the test. */
    private static Object[] invoke(Client client, String operation, Object... arguments) {
        try {
            return client.invoke(operation, arguments);
        } catch (Exception e) {
            throw new AssertionError("the call to " + operation + " failed: " + e, e);
        }
    }
}
