package org.xroadng.securityserver;

import org.xroadng.certs.ocsp.OcspException;
import java.security.KeyStoreException;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import java.net.UnknownHostException;
import org.xroadng.protocol.jws.SigningException;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;

/** Every way an exchange is refused, with the error type, status and X-Road-Error the protocol names. */
class RefusalTest {

    @TempDir
    static Path dir;

    static TestNetwork network;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir);
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    @BeforeEach
    void stubProvider() {
        network.providerIs.resetAll();
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String client, String purpose) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(network.consumerUri(path));
        if (client != null) {
            builder.header("X-Road-Client", client);
        }
        if (purpose != null) {
            builder.header("X-Road-Purpose", purpose);
        }
        return builder;
    }

    private static void assertRefused(HttpResponse<String> response, int status, String type) throws JsonProcessingException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(type, response.headers().firstValue("X-Road-Error").orElse(""), response.body());
        JsonNode body = ProtocolJson.mapper().readTree(response.body());
        assertEquals(type, body.path("type").asText());
        assertFalse(body.path("message").asText().isBlank());
        assertFalse(response.body().contains("Exception"), response.body());
    }

    private void assertProviderIsNotCalled() {
        assertEquals(0, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void malformedOrMissingClient_isRefused() throws IOException, InterruptedException, JsonProcessingException {
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV", "tax-assessment")),
                400, "Client.InvalidClientIdentifier");
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/person/x", null, "tax-assessment")),
                400, "Client.InvalidClientIdentifier");
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV/1002/t ax", null)),
                400, "Client.InvalidClientIdentifier");
        assertProviderIsNotCalled();
    }

    @Test
    void clientNotHostedHere_isRefused() throws IOException, InterruptedException, JsonProcessingException {
        HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV/1001/population",
                null));
        assertRefused(response, 400, "Client.UnknownMember");
        assertTrue(response.body().contains("is not a client of this security server"), response.body());
    }

    @Test
    void pathTraversal_isRefused() throws IOException, InterruptedException, JsonProcessingException {
        for (String path : List.of("/r1/DEMO/GOV/1001/population/person/..%2Fadmin",
                "/r1/DEMO/GOV/1001/population/person/%2e%2e/admin", "/r1/DEMO/GOV/1001/population/person/a%2Fb",
                "/r1/DEMO/GOV/1001/population/person//x", "/r1/DEMO/GOV/1001/population/person/x;jsessionid=1",
                "/r1/DEMO/GOV/1001/population/person/%C3%28")) {
            assertRefused(send(request(path, "DEMO/GOV/1002/tax", "tax-assessment")), 400, "Client.InvalidUri");
        }
        assertRefused(send(request("/r1/DEMO/GOV/1001/person", "DEMO/GOV/1002/tax", null)), 400,
                "Client.InvalidServiceIdentifier");
        assertProviderIsNotCalled();
    }

    @Test
    void bodyOverLimit_isRefused() throws IOException, InterruptedException, JsonProcessingException {
        HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV/1002/tax",
                "tax-assessment").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[70 * 1024])));
        assertRefused(response, 413, "Client.RequestTooLarge");
        assertProviderIsNotCalled();
    }

    @Test
    void unknownService_isRefusedByTheProvider() throws IOException, InterruptedException, JsonProcessingException {
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/nothing/x", "DEMO/GOV/1002/tax", "tax-assessment")),
                500, "Server.ServerProxy.UnknownService");
        assertRefused(send(request("/r1/DEMO/GOV/9999/nowhere/person/x", "DEMO/GOV/1002/tax", null)),
                500, "Server.ClientProxy.UnknownMember");
        assertProviderIsNotCalled();
    }

    @Test
    void clientWithoutAccessRight_isDenied() throws IOException, InterruptedException, JsonProcessingException {
        HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/person/EE38001010001",
                "DEMO/COM/2001/loans", "credit-scoring"));
        assertRefused(response, 500, "Server.ServerProxy.AccessDenied");
        assertTrue(response.body().contains("DEMO/COM/2001/loans has no access right"), response.body());
        assertProviderIsNotCalled();
    }

    @Test
    void purposeNotAllowed_isRefused() throws IOException, InterruptedException, JsonProcessingException {
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/person/EE38001010001", "DEMO/GOV/1002/tax",
                "marketing")), 500, "Server.ServerProxy.PurposeNotAllowed");
        assertRefused(send(request("/r1/DEMO/GOV/1001/population/person/EE38001010001", "DEMO/GOV/1002/tax", null)),
                500, "Server.ServerProxy.PurposeNotAllowed");
        assertProviderIsNotCalled();
    }

    @Test
    void peerBodyOverTheProvidersLimit_isOurJson413() throws CertificateEncodingException, ExecutionException, InterruptedException, JsonProcessingException, OcspException, SigningException {
        Forger forger = new Forger(network, network.consumer);
        var key = network.consumer.signingKey(TestNetwork.TAX_MEMBER).orElseThrow();
        byte[] body = new byte[100 * 1024];
        String signature = forger.sign(forger.digest("/x", body), key.key(), key.chain().get(0));

        var response = forger.send("/x", "DEMO/GOV/1002/tax", signature, body);

        assertEquals(413, response.status());
        assertEquals("Client.RequestTooLarge", response.header("X-Road-Error").orElse(""));
        assertTrue(new String(response.body()).contains("\"type\":\"Client.RequestTooLarge\""), new String(response.body()));
        assertProviderIsNotCalled();
    }

    @Test
    void bodyAlteredAfterSigning_isRefused() throws CertificateEncodingException, ExecutionException, InterruptedException, JsonProcessingException, OcspException, SigningException {
        Forger forger = new Forger(network, network.consumer);
        var key = network.consumer.signingKey(TestNetwork.TAX_MEMBER).orElseThrow();
        String signature = forger.sign(forger.digest("/x", "original".getBytes()), key.key(), key.chain().get(0));

        var good = forger.send("/x", "DEMO/GOV/1002/tax", signature, "original".getBytes());
        assertEquals(200, good.status(), new String(good.body()));
        var altered = forger.send("/x", "DEMO/GOV/1002/tax", signature, "altered!".getBytes());

        assertEquals(500, altered.status());
        assertEquals("Server.ServerProxy.DigestMismatch", altered.header("X-Road-Error").orElse(""));
        assertTrue(new String(altered.body()).contains("body differs"), new String(altered.body()));
        assertEquals(1, network.providerIs.findAll(anyRequestedFor(anyUrl())).size(), "only the genuine request got through");
    }

    @Test
    void signatureByAnotherMembersKey_isRefused() throws CertificateEncodingException, ExecutionException, InterruptedException, JsonProcessingException, OcspException, SigningException {
        Forger forger = new Forger(network, network.consumer);
        var bankKey = network.consumer.signingKey(TestNetwork.BANK_MEMBER).orElseThrow();
        String signature = forger.sign(forger.digest("/x", "hi".getBytes()), bankKey.key(), bankKey.chain().get(0));

        var response = forger.send("/x", "DEMO/GOV/1002/tax", signature, "hi".getBytes());

        assertEquals("Server.ServerProxy.SignerMismatch", response.header("X-Road-Error").orElse(""),
                new String(response.body()));
        assertProviderIsNotCalled();
    }

    @Test
    void revokedSigningCertificate_isRefused() throws CaException, CertificateEncodingException, ExecutionException, InterruptedException, JsonProcessingException, OcspException, SigningException {
        KeyPair pair = Keys.generateP256(network.bc, network.random);
        JcaSigningKey key = new JcaSigningKey("revoked", pair.getPrivate(), pair.getPublic(), network.bc);
        var csr = org.xroadng.certs.Pem.encode(org.xroadng.certs.csr.CsrBuilder.build(key, CertificateProfile.SIGN,
                TestNetwork.TAX_MEMBER, List.of())).getBytes(StandardCharsets.US_ASCII);
        var issued = network.ca.issue(new org.xroadng.certs.ca.IssueRequest(csr, CertificateProfile.SIGN,
                TestNetwork.TAX_MEMBER, List.of(), null));
        network.ca.revoke(issued.serial(), RevocationReason.KEY_COMPROMISE);
        Forger forger = new Forger(network, network.consumer);
        String signature = forger.sign(forger.digest("/x", "hi".getBytes()), key, issued.certificate());

        var response = forger.send("/x", "DEMO/GOV/1002/tax", signature, "hi".getBytes());

        assertEquals("Server.ServerProxy.CertValidation", response.header("X-Road-Error").orElse(""),
                new String(response.body()));
        assertTrue(new String(response.body()).contains("revoked"), new String(response.body()));
        assertProviderIsNotCalled();
    }

    @Test
    void serverWithUnregisteredAuthCertificate_isRefusedAtTls() throws CaException, CertificateEncodingException, CertificateException, IOException, JsonProcessingException, KeyStoreException, NoSuchAlgorithmException, OcspException, SigningException, UnrecoverableKeyException {
        TestServer rogue = new TestServer(TestNetwork.TAX_MEMBER.server("rogue"), network.ca, network.bc, network.random,
                network.consumer.serverProxy(), network.consumer.clientProxy());
        Forger forger = new Forger(network, rogue);
        var key = network.consumer.signingKey(TestNetwork.TAX_MEMBER).orElseThrow();
        String signature = forger.sign(forger.digest("/x", "hi".getBytes()), key.key(), key.chain().get(0));

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> forger.send("/x", "DEMO/GOV/1002/tax", signature, "hi".getBytes()));

        assertTrue(e.getCause() instanceof javax.net.ssl.SSLException || e.getCause() instanceof java.io.IOException,
                String.valueOf(e.getCause()));
        assertProviderIsNotCalled();
    }

    @Test
    void providerWhoseCertificateIsNoLongerRegistered_isRefusedByTheConsumer() throws CertificateEncodingException, IOException, InterruptedException, JsonProcessingException, SigningException {
        try {
            network.tweakConfiguration(conf -> withServers(conf, List.of(
                    conf.securityServers().get(0),
                    new GlobalConfiguration.SecurityServer(network.provider.serverId(),
                            conf.securityServers().get(1).address(), List.of("00".repeat(32)), List.of(TestNetwork.POPULATION)))));
            HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV/1002/tax",
                    "tax-assessment"));
            assertRefused(response, 500, "Server.ClientProxy.SslAuthenticationFailed");
            assertProviderIsNotCalled();
        } finally {
            network.tweakConfiguration(conf -> conf);
        }
    }

    @Test
    void expiredGlobalConfiguration_stopsExchangesOnBothSides() throws IOException, InterruptedException, JsonProcessingException {
        try {
            network.consumerClock.advance(Duration.ofMinutes(11));
            HttpResponse<String> consumerSide = send(request("/r1/DEMO/GOV/1001/population/person/x",
                    "DEMO/GOV/1002/tax", "tax-assessment"));
            assertRefused(consumerSide, 500, "Server.ClientProxy.OutdatedGlobalConf");
        } finally {
            network.consumerClock.advance(Duration.ofMinutes(-11));
        }
        try {
            network.providerClock.advance(Duration.ofMinutes(11));
            HttpResponse<String> providerSide = send(request("/r1/DEMO/GOV/1001/population/person/x",
                    "DEMO/GOV/1002/tax", "tax-assessment"));
            assertRefused(providerSide, 500, "Server.ServerProxy.OutdatedGlobalConf");
        } finally {
            network.providerClock.advance(Duration.ofMinutes(-11));
        }
        assertProviderIsNotCalled();
        assertEquals(200, send(request("/r1/DEMO/GOV/1001/population/person/x", "DEMO/GOV/1002/tax",
                "tax-assessment")).statusCode(), "exchanges resume with a valid configuration");
    }

    @Test
    void providerIsTimingOutOrDown_isReported() throws IOException, InterruptedException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(2500)));
        LocalConfiguration before = network.providerConf.get();
        ServiceId down = TestNetwork.POPULATION.service("down");
        ServiceId slow = TestNetwork.POPULATION.service("slow");
        try {
            java.util.Map<ServiceId, LocalService> services = new java.util.HashMap<>(before.services());
            services.put(down, new LocalService(down, URI.create("http://127.0.0.1:" + FreePorts.one()),
                    Duration.ofSeconds(2), false, true));
            services.put(slow, new LocalService(slow, URI.create(network.providerIs.baseUrl() + "/person-api"),
                    Duration.ofSeconds(1), false, true));
            List<AccessRight> rights = new ArrayList<>(before.accessRights());
            rights.add(new AccessRight(down, new AccessRight.SubsystemSubject(TestNetwork.TAX), "GET", "/**", Set.of()));
            rights.add(new AccessRight(slow, new AccessRight.SubsystemSubject(TestNetwork.TAX), "GET", "/**", Set.of()));
            network.providerConf.set(new LocalConfiguration(before.serverId(), before.clients(), services, rights,
                    before.localGroups()));
            assertRefused(send(request("/r1/DEMO/GOV/1001/population/slow/slow", "DEMO/GOV/1002/tax", null)),
                    500, "Server.ServerProxy.ServiceTimeout");
            HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/down", "DEMO/GOV/1002/tax", null));
            assertRefused(response, 500, "Server.ServerProxy.ServiceFailed");
            assertTrue(response.body().contains("connection refused"), response.body());
        } finally {
            network.providerConf.set(before);
        }
    }

    @Test
    void redirect_isPassedBackNotFollowed() throws IOException, InterruptedException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/moved"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "http://elsewhere.example/person")));

        HttpResponse<String> response = send(request("/r1/DEMO/GOV/1001/population/person/moved", "DEMO/GOV/1002/tax",
                "tax-assessment"));

        assertEquals(302, response.statusCode());
        assertEquals("http://elsewhere.example/person", response.headers().firstValue("Location").orElse(""));
        assertEquals(1, network.providerIs.findAll(anyRequestedFor(anyUrl())).size());
    }

    @Test
    void hopByHopHeaders_areFilteredOthersPass() throws IOException, UnknownHostException {
        int port = network.consumerPlane.clientProxyAddress().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /r1/DEMO/GOV/1001/population/person/hop HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-Road-Client: DEMO/GOV/1002/tax\r\nX-Road-Purpose: tax-assessment\r\n"
                    + "Connection: close, X-Hop\r\nX-Hop: secret\r\nTE: trailers\r\nProxy-Authorization: Basic eDp5\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Kept: kept\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        var received = network.providerIs.findAll(getRequestedFor(urlPathEqualTo("/person-api/hop"))).get(0);
        assertEquals("kept", received.getHeader("X-Kept"));
        assertEquals("DEMO/GOV/1002/tax", received.getHeader("X-Road-Client"), "the provider's IS learns the client");
        for (String dropped : List.of("X-Hop", "TE", "Proxy-Authorization", "Keep-Alive")) {
            assertFalse(received.containsHeader(dropped), dropped + " must not reach the provider IS");
        }
    }

    private static GlobalConfiguration withServers(GlobalConfiguration conf, List<GlobalConfiguration.SecurityServer> servers) {
        return new GlobalConfiguration(conf.instance(), conf.version(), conf.generatedAt(), conf.expiresAt(),
                conf.memberClasses(), conf.members(), servers, conf.globalGroups(), conf.approvedCas(), conf.approvedTsas(),
                conf.settings());
    }

}
