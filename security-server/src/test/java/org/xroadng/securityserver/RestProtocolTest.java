package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalConfiguration;

/**
 * The X-Road Message Protocol for REST as an information system sees it, over two real security
 * servers with real TLS and a WireMock provider IS: the request hash, member-level clients, the
 * headers the provider IS receives, error answers (media type, XML, X-Road's type names, fault id)
 * and percent-encoded client identifiers.
 */
class RestProtocolTest {

    private static final String PERSON = "/r1/DEMO/GOV/1001/population/person";

    @TempDir
    static Path dir;

    static TestNetwork network;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start()
            throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir);
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void stubProvider() {
        network.providerIs.resetAll();
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody("ok")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder person(String path, String client) {
        return HttpRequest.newBuilder(network.consumerUri(PERSON + path)).header("X-Road-Client", client)
                .header("X-Road-Purpose", "tax-assessment");
    }

    /** Sends {@code head} (lines without the final blank line) and {@code body} as they are; the answer's head and body. */
    private static String[] raw(String head, String body) throws IOException {
        int port = network.consumerPlane.clientProxyAddress().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            return new String[] {answer.substring(0, split), answer.substring(split + 4)};
        }
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    private static byte[] sha512(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-512").digest(data);
    }

    @Test
    void requestHash_isStandardBase64OfSha512OverTheRequestAsSent() throws IOException, NoSuchAlgorithmException {
        String body = "{\"code\":\"EE38001010001\"}";
        String[] answer = raw("POST " + PERSON + "/search?lang=et HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Road-Client: DEMO/GOV/1002/tax\r\nX-Road-Purpose: tax-assessment\r\nX-Road-Id: hash-1\r\n"
                + "Content-Type: application/json\r\nX-Trace: b\r\nX-Trace: a\r\nUser-Agent: test\r\n"
                + "Content-Length: " + body.length() + "\r\n", body);
        assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0]);

        // The protocol: base64(SHA512(SHA512(headers) + SHA512(body))); headers in the canonical
        // form docs/calling-a-service.md gives, computed here from what was sent.
        String head = "POST " + PERSON + "/search?lang=et\n" + "content-type:application/json\n"
                + "x-road-client:DEMO/GOV/1002/tax\n" + "x-road-id:hash-1\n" + "x-road-purpose:tax-assessment\n"
                + "x-trace:b\n" + "x-trace:a\n";
        byte[] both = new byte[128];
        System.arraycopy(sha512(head.getBytes(StandardCharsets.US_ASCII)), 0, both, 0, 64);
        System.arraycopy(sha512(body.getBytes(StandardCharsets.UTF_8)), 0, both, 64, 64);
        String expected = Base64.getEncoder().encodeToString(sha512(both));

        String hash = header(answer[0], "X-Road-Request-Hash");
        assertEquals(expected, hash);
        assertEquals(64, Base64.getDecoder().decode(hash).length, "standard base64, padded, of 64 bytes");
    }

    @Test
    void requestHashWithoutBody_isTheHashOfTheHeadersAlone() throws IOException, NoSuchAlgorithmException {
        String[] answer = raw("GET " + PERSON + "/EE1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "x-road-client: DEMO/GOV/1002/tax\r\nX-Road-Purpose: tax-assessment\r\n", "");
        assertTrue(answer[0].startsWith("HTTP/1.1 200"), answer[0]);
        String head = "GET " + PERSON + "/EE1\n" + "x-road-client:DEMO/GOV/1002/tax\n" + "x-road-purpose:tax-assessment\n";
        assertEquals(Base64.getEncoder().encodeToString(sha512(head.getBytes(StandardCharsets.US_ASCII))),
                header(answer[0], "X-Road-Request-Hash"));
    }

    @Test
    void memberLevelClient_withAnAccessRight_isServedEndToEnd_andWithoutIsDenied()
            throws IOException, InterruptedException {
        HttpResponse<String> denied = send(person("/EE1", "DEMO/GOV/1002"));
        assertEquals(500, denied.statusCode(), denied.body());
        assertEquals("Server.ServerProxy.AccessDenied", denied.headers().firstValue("X-Road-Error").orElse(""));
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());

        LocalConfiguration before = network.providerConf.get();
        List<AccessRight> rights = new ArrayList<>(before.accessRights());
        rights.add(new AccessRight(TestNetwork.PERSON, new AccessRight.SubsystemSubject(TestNetwork.TAX_MEMBER), "GET",
                "/**", Set.of()));
        network.providerConf.set(new LocalConfiguration(before.serverId(), before.clients(), before.services(), rights,
                before.localGroups()));
        try {
            HttpResponse<String> served = send(person("/EE1", "DEMO/GOV/1002"));
            assertEquals(200, served.statusCode(), served.body());
            assertEquals("ok", served.body());
            assertEquals("DEMO/GOV/1002", served.headers().firstValue("X-Road-Client").orElse(""));
            LoggedRequest received = network.providerIs.findAll(anyRequestedFor(anyUrl())).get(0);
            assertEquals("DEMO/GOV/1002", received.getHeader("X-Road-Client"));
        } finally {
            network.providerConf.set(before);
        }
    }

    @Test
    void memberThatDoesNotOwnTheServer_isNotItsClient() throws IOException, InterruptedException {
        HttpResponse<String> response = send(person("/EE1", "DEMO/COM/2001"));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("Client.UnknownMember", response.headers().firstValue("X-Road-Error").orElse(""));
    }

    @Test
    void providerIs_receivesTheProtocolHeadersAndExtensionHeaders() throws IOException, InterruptedException {
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")
                .withHeader("X-Road-Id", "forged").withHeader("X-Road-Request-Hash", "forged")
                .withHeader("X-Road-Answer-Note", "from the provider")));

        HttpResponse<String> response = send(person("/EE1", "DEMO/GOV/1002/tax").header("X-Road-Id", "q-headers")
                .header("X-Road-UserId", "EE12345678901").header("X-Road-Issue", "case-17")
                .header("X-Road-Subject", "EE38001010001").header("X-Road-Custom-Ext", "ext value")
                .header("X-Road-Security-Server", "DEMO/GOV/1001/ss1"));

        assertEquals(200, response.statusCode(), response.body());
        LoggedRequest received = network.providerIs.findAll(anyRequestedFor(anyUrl())).get(0);
        assertEquals("DEMO/GOV/1002/tax", received.getHeader("X-Road-Client"));
        assertEquals("DEMO/GOV/1001/population/person", received.getHeader("X-Road-Service"));
        assertEquals("q-headers", received.getHeader("X-Road-Id"));
        assertEquals("EE12345678901", received.getHeader("X-Road-UserId"));
        assertEquals("case-17", received.getHeader("X-Road-Issue"));
        assertEquals("tax-assessment", received.getHeader("X-Road-Purpose"));
        assertEquals("EE38001010001", received.getHeader("X-Road-Subject"));
        assertEquals(response.headers().firstValue("X-Road-Request-Id").orElse("?"), received.getHeader("X-Road-Request-Id"));
        assertEquals("ext value", received.getHeader("X-Road-Custom-Ext"), "unknown extension headers are user headers");
        for (String kept : List.of("X-Road-Signature", "X-Road-Security-Server", "X-Road-Request-Hash")) {
            assertFalse(received.containsHeader(kept), kept + " must not reach the provider IS");
        }
        assertEquals(List.of("q-headers"), response.headers().allValues("X-Road-Id"), "the IS cannot forge protocol headers");
        assertEquals(88, response.headers().firstValue("X-Road-Request-Hash").orElse("").length());
        assertEquals("from the provider", response.headers().firstValue("X-Road-Answer-Note").orElse(""));
    }

    @Test
    void errors_areJsonWithCharset_orXmlWhenAccepted_withXRoadTypesAndAFaultId()
            throws IOException, InterruptedException, JsonProcessingException, ParserConfigurationException,
            SAXException {
        HttpResponse<String> unknownService = send(HttpRequest.newBuilder(
                network.consumerUri("/r1/DEMO/GOV/1001/population/nosuch/x")).header("X-Road-Client", "DEMO/GOV/1002/tax"));
        assertEquals(500, unknownService.statusCode());
        assertEquals("application/json; charset=utf-8", unknownService.headers().firstValue("Content-Type").orElse(""));
        JsonNode json = ProtocolJson.mapper().readTree(unknownService.body());
        assertEquals("Server.ServerProxy.UnknownService", json.get("type").asText());
        UUID.fromString(json.get("detail").asText());

        HttpResponse<String> malformed = send(HttpRequest.newBuilder(network.consumerUri(PERSON + "/x"))
                .header("X-Road-Client", "DEMO/GOV/1002/t ax").header("Accept", "application/xml"));
        assertEquals(400, malformed.statusCode());
        assertEquals("application/xml; charset=utf-8", malformed.headers().firstValue("Content-Type").orElse(""));
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(malformed.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals("error", xml.getDocumentElement().getTagName());
        assertEquals("Client.InvalidClientIdentifier", xml.getElementsByTagName("type").item(0).getTextContent());
        assertTrue(xml.getElementsByTagName("message").item(0).getTextContent().contains("X-Road-Client"));
        UUID.fromString(xml.getElementsByTagName("detail").item(0).getTextContent());

        // refused by the provider's server: the IS's Accept travels with the request
        HttpResponse<String> denied = send(person("/EE1", "DEMO/COM/2001/loans")
                .header("Accept", "text/html;q=0.9, application/xml;q=0.8, application/json;q=0.5"));
        assertEquals(500, denied.statusCode());
        assertEquals("Server.ServerProxy.AccessDenied", denied.headers().firstValue("X-Road-Error").orElse(""));
        assertTrue(denied.body().contains("<type>Server.ServerProxy.AccessDenied</type>"), denied.body());

        HttpResponse<String> preferJson = send(person("/EE1", "DEMO/COM/2001/loans")
                .header("Accept", "application/xml;q=0.5, application/json"));
        assertEquals("Server.ServerProxy.AccessDenied", ProtocolJson.mapper().readTree(preferJson.body()).get("type").asText());
    }

    @Test
    void percentEncodedClient_isDecodedAndAccepted() throws IOException, InterruptedException {
        HttpResponse<String> response = send(person("/EE1", "DEMO/GOV/%31002/%74ax"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("DEMO/GOV/1002/tax", response.headers().firstValue("X-Road-Client").orElse(""));
        assertEquals("DEMO/GOV/1002/tax",
                network.providerIs.findAll(anyRequestedFor(anyUrl())).get(0).getHeader("X-Road-Client"));
    }

    @Test
    void badInput_getsClearClientErrors_neverA500() throws IOException, InterruptedException {
        for (String client : List.of("DEMO/GOV/1002/%zz", "DEMO/GOV/1002/%2", "DEMO/GOV/1002/a%2Fb", "DEMO/GOV",
                "DEMO/GOV/1002/tax/extra", "DEMO//1002", "DEMO/GOV/1002/%C3%28")) {
            HttpResponse<String> response = send(person("/EE1", client));
            assertEquals(400, response.statusCode(), client + ": " + response.body());
            assertEquals("Client.InvalidClientIdentifier", response.headers().firstValue("X-Road-Error").orElse(""), client);
            assertFalse(response.body().contains("Exception"), response.body());
        }
        HttpResponse<String> badAccept = send(person("/EE1", "DEMO/GOV/1002/t ax").header("Accept", "application/xml;q=x,,;"));
        assertEquals(400, badAccept.statusCode());
        assertEquals("application/json; charset=utf-8", badAccept.headers().firstValue("Content-Type").orElse(""));
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }
}
