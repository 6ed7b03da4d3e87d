package org.xroadng.securityserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.xml.XmlException;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

/**
 * Bad SOAP input at the client proxy: each is a SOAP 1.1 fault with the X-Road code that names
 * what is wrong (HTTP 500 with a body, never a stack trace), the provider IS never hears of it and
 * neither server logs an exchange. Hostile XML (an external entity, entity expansion) is refused
 * before anything is resolved or expanded: the secret file the entity points at never shows.
 */
class SoapRefusalTest {

    @TempDir
    static Path dir;

    static TestNetwork network;
    static final List<ExchangeRecord> logged = new CopyOnWriteArrayList<>();
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        MessageLog log = new MessageLog() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> append(ExchangeRecord record) {
                logged.add(record);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletableFuture<Void> refused(ExchangeRecord attempt, String refusal) {
                logged.add(attempt);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        };
        network = new TestNetwork(dir.resolve("network"), log, log);
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void reset() {
        logged.clear();
        network.providerIs.resetRequests();
    }

    private HttpResponse<byte[]> post(String contentType, String body) throws IOException, InterruptedException {
        return is.send(HttpRequest.newBuilder(network.consumerUri("/")).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void assertRefused(String body, String code) throws IOException, InterruptedException, XmlException {
        assertRefused("text/xml; charset=utf-8", body, code);
    }

    private void assertRefused(String contentType, String body, String code) throws IOException,
            InterruptedException, XmlException {
        HttpResponse<byte[]> response = post(contentType, body);
        SoapProfileTest.assertFault(response, code);
        assertTrue(logged.isEmpty(), "nothing is logged as exchanged: " + logged);
        assertEquals(0, network.providerIs.findAll(WireMock.anyRequestedFor(WireMock.anyUrl())).size());
    }

    private static String valid(String extraHeader) {
        return SoapMessages.request(TestNetwork.TAX, TestNetwork.PERSON, "bad-1", extraHeader, "<ps:person/>");
    }

    @Test
    void externalEntity_isInvalidXml_andNothingIsRead() throws IOException, InterruptedException, XmlException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        String body = "<?xml version=\"1.0\"?>\n<!DOCTYPE e [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + SoapMessages.ENVELOPE_OPEN + "<SOAP-ENV:Header>" + SoapMessages.client(TestNetwork.TAX)
                + "<xrd:id>&xxe;</xrd:id></SOAP-ENV:Header><SOAP-ENV:Body/></SOAP-ENV:Envelope>";
        assertRefused(body, "Client.InvalidXml");
        assertTrue(!new String(post("text/xml", body).body(), StandardCharsets.UTF_8).contains("TOP-SECRET"));
    }

    @Test
    void billionLaughs_isInvalidXml() throws IOException, InterruptedException, XmlException {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                dtd.append("&lol").append(i - 1).append(';');
            }
            dtd.append("\">");
        }
        dtd.append("]>");
        assertRefused("<?xml version=\"1.0\"?>" + dtd + valid("").replace("bad-1", "&lol9;")
                .substring(valid("").indexOf('\n') + 1), "Client.InvalidXml");
    }

    @Test
    void deeplyNested_isInvalidXml() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("").replace("<ps:person/>", "<a>".repeat(100) + "</a>".repeat(100)), "Client.InvalidXml");
    }

    @Test
    void headerWithoutClient_isMissingHeaderField() throws IOException, InterruptedException, XmlException {
        String header = SoapMessages.service(TestNetwork.PERSON) + "<xrd:id>bad-2</xrd:id>"
                + "<xrd:protocolVersion>4.0</xrd:protocolVersion>";
        assertRefused(SoapMessages.envelope(header, "<ps:person/>"), "Client.MissingHeaderField");
    }

    @Test
    void protocolVersionOtherThan40_isInvalidProtocolVersion() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("").replace("<xrd:protocolVersion>4.0<", "<xrd:protocolVersion>3.1<"),
                "Client.InvalidProtocolVersion");
    }

    @Test
    void notWellFormed_isInvalidXml() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("").replace("</SOAP-ENV:Body>", ""), "Client.InvalidXml");
    }

    @Test
    void envelopeWithoutBody_orOfAnotherVersion_isInvalidSoap() throws IOException, InterruptedException, XmlException {
        String header = SoapMessages.header(TestNetwork.TAX, TestNetwork.PERSON, "bad-3", "");
        assertRefused("<?xml version=\"1.0\"?>" + SoapMessages.ENVELOPE_OPEN + "<SOAP-ENV:Header>" + header
                + "</SOAP-ENV:Header></SOAP-ENV:Envelope>", "Client.InvalidSoap");
        assertRefused(valid("").replace("http://schemas.xmlsoap.org/soap/envelope/",
                "http://www.w3.org/2003/05/soap-envelope"), "Client.InvalidSoap");
    }

    @Test
    void duplicateHeaderField_isDuplicateHeaderField() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("<xrd:id>again</xrd:id>"), "Client.DuplicateHeaderField");
    }

    @Test
    void badClientIdentifier_isInvalidClientIdentifier() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("").replace("<id:memberCode>1002</id:memberCode>", "<id:memberCode>10 02</id:memberCode>"),
                "Client.InvalidClientIdentifier");
    }

    @Test
    void emptyOrMalformedSubject_isInvalidHeader() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("<xng:subject></xng:subject>"), "Client.InvalidHeader");
        assertRefused(valid("<xng:subject>EE 1</xng:subject>"), "Client.InvalidHeader");
    }

    @Test
    void jsonPostedAsSoap_isInvalidContentType() throws IOException, InterruptedException, XmlException {
        assertRefused("application/json", "{\"a\":1}", "Client.InvalidContentType");
    }

    @Test
    void unknownClient_isUnknownMember_asFault() throws IOException, InterruptedException, XmlException {
        assertRefused(valid("").replace("<id:subsystemCode>tax</id:subsystemCode>",
                "<id:subsystemCode>nobody</id:subsystemCode>"), "Client.UnknownMember");
    }

    @Test
    void restRequestCarryingTheSoapMarker_isRefused() throws IOException, InterruptedException {
        HttpResponse<String> response = is.send(HttpRequest.newBuilder(network.consumerUri(
                "/r1/DEMO/GOV/1001/population/person/EE1")).header("X-Road-Client", "DEMO/GOV/1002/tax")
                .header("X-Road-Soap", "4.0").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertEquals("Client.InvalidHeader", response.headers().firstValue("X-Road-Error").orElse(null));
        assertTrue(logged.isEmpty());
    }
}
