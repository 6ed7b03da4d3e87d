package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.xml.SafeXml;
import org.xroadng.protocol.xml.XmlException;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.conf.WsdlDescription;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

/**
 * The SOAP profile (X-Road message protocol 4.0) as an information system sees it, over two real
 * security servers with real TLS and a WireMock provider IS: a SOAP request reaches the provider
 * IS unchanged and its answer comes back with the X-Road header echoed and requestHash set, signed
 * and logged on both sides; refusals and bad input are SOAP faults with X-Road's codes, and a
 * request refused at the client proxy is neither exchanged nor logged.
 */
class SoapProfileTest {

    static final ServiceId PERSON_SOAP = TestNetwork.POPULATION.service("personSoap");
    static final String WSDL = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\""
            + " xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" targetNamespace=\"urn:t\">\n"
            + "<wsdl:binding name=\"b\" type=\"x\"><soap:binding style=\"document\"/>\n"
            + "<wsdl:operation name=\"personSoap\"/></wsdl:binding>\n"
            + "<wsdl:service name=\"s\"><wsdl:port name=\"p\" binding=\"b\">"
            + "<soap:address location=\"http://internal.example/secret\"/></wsdl:port></wsdl:service>\n"
            + "</wsdl:definitions>\n";
    private static final String ANSWER = SoapMessages.ENVELOPE_OPEN + "<SOAP-ENV:Body><ps:personSoapResponse>"
            + "<ps:givenName>Mari</ps:givenName></ps:personSoapResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    private static final String QUERY = "<ps:personSoap><ps:personalCode>EE38001010001</ps:personalCode></ps:personSoap>";

    @TempDir
    static Path dir;

    static TestNetwork network;
    static final List<ExchangeRecord> consumerLog = new CopyOnWriteArrayList<>();
    static final List<ExchangeRecord> providerLog = new CopyOnWriteArrayList<>();
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir, recording(consumerLog), recording(providerLog));
        LocalConfiguration base = network.providerConf.get();
        LocalService soap = new LocalService(PERSON_SOAP, URI.create(network.providerIs.baseUrl() + "/soap-person"),
                Duration.ofSeconds(10), false, true);
        network.providerConf.set(new LocalConfiguration(base.serverId(), base.clients(),
                Map.of(TestNetwork.PERSON, base.services().get(TestNetwork.PERSON), PERSON_SOAP, soap),
                List.of(base.accessRights().get(0), new AccessRight(PERSON_SOAP,
                        new AccessRight.SubsystemSubject(TestNetwork.TAX), "*", "/**", Set.of("tax-assessment"))),
                base.localGroups(), Map.of(), List.of(new WsdlDescription(1, TestNetwork.POPULATION, Optional.empty(),
                WSDL.getBytes(StandardCharsets.UTF_8), List.of(PERSON_SOAP), Instant.parse("2026-03-01T10:00:00Z")))));
    }

    private static MessageLog recording(List<ExchangeRecord> records) {
        return record -> {
            records.add(record);
            return CompletableFuture.completedFuture(null);
        };
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void reset() {
        network.providerIs.resetAll();
        network.providerIs.stubFor(post(urlEqualTo("/soap-person")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml; charset=utf-8").withBody(ANSWER)));
        consumerLog.clear();
        providerLog.clear();
    }

    private HttpResponse<byte[]> send(String contentType, byte[] body) throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/")).header("Content-Type", contentType)
                .header("SOAPAction", "\"personSoap\"").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> send(String xml) throws IOException, InterruptedException {
        return send("text/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8));
    }

    static Document xml(byte[] body) throws XmlException {
        return SafeXml.parse(body, SafeXml.DEFAULT);
    }

    static String text(Document document, String namespace, String localName) {
        NodeList nodes = document.getElementsByTagNameNS(namespace, localName);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }

    static String sha512(byte[] bytes) throws NoSuchAlgorithmException {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(bytes));
    }

    @Test
    void soapRequest_reachesProviderUnchanged_andAnswerEchoesHeaderWithRequestHash() throws IOException,
            InterruptedException, NoSuchAlgorithmException, XmlException {
        String request = SoapMessages.request(TestNetwork.TAX, PERSON_SOAP, "soap-1",
                "<xng:purpose>tax-assessment</xng:purpose><xng:subject>EE38001010001</xng:subject>"
                        + "<xng:subject>EE38001010001</xng:subject>", QUERY);
        HttpResponse<byte[]> response = send(request);

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        assertTrue(response.headers().map().keySet().stream().noneMatch(h -> h.toLowerCase().startsWith("x-road-")),
                "SOAP answers carry no X-Road HTTP headers: " + response.headers().map());
        Document answer = xml(response.body());
        String xrd = "http://x-road.eu/xsd/xroad.xsd";
        String id = "http://x-road.eu/xsd/identifiers";
        assertEquals("soap-1", text(answer, xrd, "id"));
        assertEquals("4.0", text(answer, xrd, "protocolVersion"));
        assertEquals("EE30000000000", text(answer, xrd, "userId"));
        assertEquals("tax", ((Element) answer.getElementsByTagNameNS(xrd, "client").item(0))
                .getElementsByTagNameNS(id, "subsystemCode").item(0).getTextContent());
        assertEquals("personSoap", text(answer, id, "serviceCode"));
        assertEquals("tax-assessment", text(answer, "urn:xroad-ng:soap:extensions", "purpose"));
        Element hash = (Element) answer.getElementsByTagNameNS(xrd, "requestHash").item(0);
        assertEquals("http://www.w3.org/2001/04/xmlenc#sha512", hash.getAttribute("algorithmId"));
        assertEquals(sha512(request.getBytes(StandardCharsets.UTF_8)), hash.getTextContent());
        assertEquals("Mari", text(answer, "http://demo.x-road.example/population", "givenName"));

        List<LoggedRequest> received = network.providerIs.findAll(postRequestedFor(urlEqualTo("/soap-person")));
        assertEquals(1, received.size());
        assertArrayEquals(request.getBytes(StandardCharsets.UTF_8), received.get(0).getBody());
        assertEquals("\"personSoap\"", received.get(0).getHeader("SOAPAction"));
        assertFalse(received.get(0).containsHeader("X-Road-Client"), "only Content-Type and SOAPAction travel");

        assertEquals(1, consumerLog.size());
        assertEquals(1, providerLog.size());
        assertEquals(PERSON_SOAP, providerLog.get(0).service());
        assertEquals(List.of("EE38001010001"), consumerLog.get(0).subjects());
        assertTrue(new String(network.providerAccessLog.eventsOf("EE38001010001", 100)
                .get(network.providerAccessLog.eventsOf("EE38001010001", 100).size() - 1).entry(),
                StandardCharsets.UTF_8).contains("personSoap"), "the subject's access is in the provider's access log");
        assertTrue(new String(network.consumerAccessLog.eventsOf("EE38001010001", 100)
                .get(network.consumerAccessLog.eventsOf("EE38001010001", 100).size() - 1).entry(),
                StandardCharsets.UTF_8).contains("personSoap"), "and in the consumer's");
    }

    @Test
    void bankWithoutAccessRight_getsAccessDeniedFault() throws IOException, InterruptedException, XmlException {
        HttpResponse<byte[]> response = send(SoapMessages.request(TestNetwork.LOANS, PERSON_SOAP, "soap-2", "", QUERY));

        assertFault(response, "Server.ServerProxy.AccessDenied");
        assertTrue(network.providerIs.findAll(postRequestedFor(urlEqualTo("/soap-person"))).isEmpty());
        assertTrue(consumerLog.isEmpty() && providerLog.isEmpty(), "a refused exchange is not logged as exchanged");
    }

    @Test
    void providerAnswersNotSoap_isServiceFailedInvalidSoap() throws IOException, InterruptedException, XmlException {
        network.providerIs.stubFor(post(urlEqualTo("/soap-person")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"givenName\":\"Mari\"}")));
        HttpResponse<byte[]> response = send(SoapMessages.request(TestNetwork.TAX, PERSON_SOAP, "soap-3",
                "<xng:purpose>tax-assessment</xng:purpose>", QUERY));

        assertFault(response, "Server.ServerProxy.ServiceFailed.InvalidSoap");
        assertTrue(providerLog.isEmpty());
    }

    @Test
    void providerEchoesAnotherClient_isInconsistentHeaders() throws IOException, InterruptedException, XmlException {
        String wrongEcho = SoapMessages.envelope(SoapMessages.client(TestNetwork.LOANS), "<ps:personSoapResponse/>");
        network.providerIs.stubFor(post(urlEqualTo("/soap-person")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/xml").withBody(wrongEcho)));
        HttpResponse<byte[]> response = send(SoapMessages.request(TestNetwork.TAX, PERSON_SOAP, "soap-4",
                "<xng:purpose>tax-assessment</xng:purpose>", QUERY));

        assertFault(response, "Server.ServerProxy.ServiceFailed.InconsistentHeaders");
    }

    @Test
    void providerFault_isPassedOnUnchanged() throws IOException, InterruptedException {
        String fault = SoapMessages.ENVELOPE_OPEN + "<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode>"
                + "<faultstring>no such person</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>";
        network.providerIs.stubFor(post(urlEqualTo("/soap-person")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "text/xml").withBody(fault)));
        HttpResponse<byte[]> response = send(SoapMessages.request(TestNetwork.TAX, PERSON_SOAP, "soap-5",
                "<xng:purpose>tax-assessment</xng:purpose>", QUERY));

        assertEquals(500, response.statusCode());
        assertEquals(fault, new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(1, providerLog.size(), "the provider's fault is an answer, logged as exchanged");
    }

    @Test
    void mtomRequestAndAnswer_keepTheirAttachmentsByteForByte() throws IOException, InterruptedException,
            NoSuchAlgorithmException {
        byte[] attachment = new byte[3000];
        for (int i = 0; i < attachment.length; i++) {
            attachment[i] = (byte) (i * 31);
        }
        String soap = SoapMessages.request(TestNetwork.TAX, PERSON_SOAP, "soap-6",
                "<xng:purpose>tax-assessment</xng:purpose>", "<ps:personSoap><ps:photo><xop:Include"
                        + " xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:photo\"/></ps:photo></ps:personSoap>");
        byte[] body = multipart("MIME_boundary", "application/xop+xml; charset=UTF-8; type=\"text/xml\"",
                soap.getBytes(StandardCharsets.UTF_8), attachment);
        byte[] answerBody = multipart("answer_boundary", "application/xop+xml; type=\"text/xml\"",
                ANSWER.getBytes(StandardCharsets.UTF_8), attachment);
        network.providerIs.stubFor(post(urlEqualTo("/soap-person")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "multipart/related; type=\"application/xop+xml\"; boundary=answer_boundary")
                .withBody(answerBody)));

        HttpResponse<byte[]> response = send("multipart/related; type=\"application/xop+xml\";"
                + " start-info=\"text/xml\"; boundary=\"MIME_boundary\"", body);

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.ISO_8859_1));
        assertArrayEquals(body, network.providerIs.findAll(postRequestedFor(urlEqualTo("/soap-person"))).get(0).getBody());
        String answer = new String(response.body(), StandardCharsets.ISO_8859_1);
        assertTrue(answer.contains(new String(attachment, StandardCharsets.ISO_8859_1)), "the answer's attachment is kept");
        assertTrue(answer.contains(sha512(soap.getBytes(StandardCharsets.UTF_8))),
                "requestHash is over the request's SOAP part: " + answer);
    }

    static byte[] multipart(String boundary, String rootType, byte[] root, byte[] attachment) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Type: " + rootType + "\r\nContent-Transfer-Encoding: 8bit\r\n"
                + "Content-ID: <root>\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(root);
        out.writeBytes(("\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Transfer-Encoding: binary\r\nContent-ID: <photo>\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(attachment);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** A SOAP 1.1 fault with {@code code}: HTTP 500, XML with a message and a fault id, no stack trace. */
    static void assertFault(HttpResponse<byte[]> response, String code) throws XmlException {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(500, response.statusCode(), text);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"), text);
        Document fault = xml(response.body());
        String soap = "http://schemas.xmlsoap.org/soap/envelope/";
        assertEquals(1, fault.getElementsByTagNameNS(soap, "Fault").getLength(), text);
        assertEquals(code, fault.getElementsByTagName("faultcode").item(0).getTextContent(), text);
        assertFalse(fault.getElementsByTagName("faultstring").item(0).getTextContent().isBlank(), text);
        assertFalse(fault.getElementsByTagName("faultDetail").item(0).getTextContent().isBlank(), text);
        assertFalse(text.contains("\tat ") || text.contains("Exception"), "no stack trace: " + text);
    }
}
