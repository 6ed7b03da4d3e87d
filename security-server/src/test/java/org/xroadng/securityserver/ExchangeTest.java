package org.xroadng.securityserver;

import java.security.KeyManagementException;
import java.security.KeyStoreException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import org.xroadng.protocol.jws.SigningException;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.testing.FreePorts;

/** Exchanges between two security servers over real TLS, signatures and OCSP, against a WireMock provider IS. */
class ExchangeTest {

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
    void resetProvider() {
        network.providerIs.resetAll();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder person(String pathAndQuery) {
        return HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person" + pathAndQuery))
                .header("X-Road-Client", "DEMO/GOV/1002/tax")
                .header("X-Road-Purpose", "tax-assessment");
    }

    @Test
    void get_passesQueryAndHeadersAndReturnsSignedAnswer() throws IOException, InterruptedException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/EE38001010001"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withHeader("X-Custom-Answer", "yes").withBody("{\"name\":\"Mari Maasikas\"}")));

        HttpResponse<String> response = send(person("/EE38001010001?fields=name&lang=et")
                .header("Accept", "application/json").header("X-Trace", "abc 123"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"name\":\"Mari Maasikas\"}", response.body());
        assertEquals("yes", response.headers().firstValue("X-Custom-Answer").orElse(""));
        assertEquals("DEMO/GOV/1002/tax", response.headers().firstValue("X-Road-Client").orElse(""));
        assertEquals("DEMO/GOV/1001/population/person", response.headers().firstValue("X-Road-Service").orElse(""));
        assertFalse(response.headers().firstValue("X-Road-Id").orElse("").isEmpty(), "X-Road-Id is generated");
        assertFalse(response.headers().firstValue("X-Road-Request-Id").orElse("").isEmpty());
        assertTrue(response.headers().firstValue("X-Road-Request-Hash").orElse("").matches("[A-Za-z0-9+/]{86}=="),
                "standard base64 of a SHA-512");
        assertFalse(response.headers().firstValue("X-Road-Signature").isPresent(), "signatures stay between servers");

        List<LoggedRequest> received = network.providerIs.findAll(getRequestedFor(urlPathEqualTo("/person-api/EE38001010001")));
        assertEquals(1, received.size());
        LoggedRequest request = received.get(0);
        assertEquals("/person-api/EE38001010001?fields=name&lang=et", request.getUrl());
        assertEquals("application/json", request.getHeader("Accept"));
        assertEquals("abc 123", request.getHeader("X-Trace"));
        assertFalse(request.containsHeader("X-Road-Signature"));
    }

    @Test
    void post_passesBodyUnchangedAndKeepsGivenQueryId() throws IOException, InterruptedException {
        network.providerIs.stubFor(post(urlEqualTo("/person-api/search"))
                .willReturn(aResponse().withStatus(201).withBody("created")));

        HttpResponse<String> response = send(person("/search").header("X-Road-Id", "query-42")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE38001010001\"}")));

        assertEquals(201, response.statusCode(), response.body());
        assertEquals("created", response.body());
        assertEquals("query-42", response.headers().firstValue("X-Road-Id").orElse(""));
        network.providerIs.verify(postRequestedFor(urlEqualTo("/person-api/search"))
                .withRequestBody(equalTo("{\"code\":\"EE38001010001\"}"))
                .withHeader("Content-Type", equalTo("application/json")));
    }

    @Test
    void unreachableFirstHost_failsOverToTheNextAndNamedHostIsHonoured() throws CertificateEncodingException, IOException, InterruptedException, SigningException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/EE1")).willReturn(aResponse().withStatus(200).withBody("ok")));
        org.xroadng.protocol.id.SecurityServerId dead = TestNetwork.POPULATION_MEMBER.server("ss0");
        try {
            network.tweakConfiguration(conf -> {
                List<org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer> servers = new java.util.ArrayList<>();
                servers.add(new org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer(dead,
                        "127.0.0.1:" + FreePorts.one(), List.of("11".repeat(32)), List.of(TestNetwork.POPULATION)));
                servers.addAll(conf.securityServers());
                return new org.xroadng.protocol.globalconf.GlobalConfiguration(conf.instance(), conf.version(),
                        conf.generatedAt(), conf.expiresAt(), conf.memberClasses(), conf.members(), servers,
                        conf.globalGroups(), conf.approvedCas(), conf.approvedTsas(), conf.settings());
            });

            HttpResponse<String> failedOver = send(person("/EE1"));
            assertEquals(200, failedOver.statusCode(), failedOver.body());

            HttpResponse<String> named = send(person("/EE1").header("X-Road-Security-Server", dead.format()));
            assertEquals(500, named.statusCode());
            assertEquals("Server.ClientProxy.NetworkError", named.headers().firstValue("X-Road-Error").orElse(""));
            HttpResponse<String> notHosting = send(person("/EE1").header("X-Road-Security-Server", "DEMO/GOV/1002/ss1"));
            assertEquals("Client.InvalidSecurityServer", notHosting.headers().firstValue("X-Road-Error").orElse(""));
        } finally {
            network.tweakConfiguration(conf -> conf);
        }
    }

    @Test
    void httpsClient_mustPresentItsPinnedCertificate() throws CertificateException, IOException, InterruptedException, KeyManagementException, KeyStoreException, NoSuchAlgorithmException, UnrecoverableKeyException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/EE2")).willReturn(aResponse().withStatus(200).withBody("ok")));
        var pki = org.xroadng.certs.TestPki.create(java.time.Clock.systemUTC(), "Tax Board IS");
        var isCert = pki.issue("tax-is", org.xroadng.certs.ca.CertificateKind.SERVER_AUTH, List.of(), null);
        var otherCert = pki.issue("other-is", org.xroadng.certs.ca.CertificateKind.SERVER_AUTH, List.of(), null);
        var before = network.consumerConf.get();
        var clients = new java.util.HashMap<>(before.clients());
        clients.put(TestNetwork.TAX, new org.xroadng.securityserver.conf.LocalClient(TestNetwork.TAX,
                org.xroadng.securityserver.conf.LocalClient.IsAuthentication.HTTPS,
                java.util.Set.of(org.xroadng.securityserver.transport.AuthCertificateTrustManager.hash(isCert.cert())), true));
        network.consumerConf.set(new org.xroadng.securityserver.conf.LocalConfiguration(before.serverId(), clients,
                before.services(), before.accessRights(), before.localGroups()));
        try {
            int tlsPort = network.consumerPlane.clientProxyTlsAddress().orElseThrow().getPort();
            java.net.URI uri = java.net.URI.create("https://127.0.0.1:" + tlsPort + "/r1/DEMO/GOV/1001/population/person/EE2");

            HttpResponse<String> pinned = isClient(isCert).send(HttpRequest.newBuilder(uri)
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, pinned.statusCode(), pinned.body());

            HttpResponse<String> other = isClient(otherCert).send(HttpRequest.newBuilder(uri)
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("Client.AuthenticationFailed", other.headers().firstValue("X-Road-Error").orElse(""), other.body());

            HttpResponse<String> plain = send(person("/EE2"));
            assertEquals(400, plain.statusCode());
            assertEquals("Client.AuthenticationFailed", plain.headers().firstValue("X-Road-Error").orElse(""));
        } finally {
            network.consumerConf.set(before);
        }
    }

    /** An IS that presents its certificate and trusts the demo CA, which issued the server's auth certificate. */
    private HttpClient isClient(org.xroadng.certs.TestPki.Issued certificate) throws CertificateException, IOException, KeyManagementException, KeyStoreException, NoSuchAlgorithmException, UnrecoverableKeyException {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("is", certificate.keys().getPrivate(), "pw".toCharArray(),
                new java.security.cert.Certificate[] {certificate.cert()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, "pw".toCharArray());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", network.ca.caCertificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), network.random);
        return HttpClient.newBuilder().sslContext(context).build();
    }
}
