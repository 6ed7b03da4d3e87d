package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyManagementException;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.jws.SigningException;

/**
 * The population registry's subsystem on two security servers, each with an IS of its own, over
 * real TLS: the tax board's server spreads requests over both, goes on with the other when one
 * stops, keeps to the one named in {@code X-Road-Security-Server}, and never sends a request to a
 * second server once the first may have received it.
 */
class ProviderServersExchangeTest {

    @TempDir
    Path dir;

    private TestNetwork network;
    private TestNetwork.ExtraProvider second;
    private final HttpClient is = HttpClient.newHttpClient();

    @BeforeEach
    void start()
            throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir);
        second = network.startExtraProvider("ss2");
        for (WireMockServer providerIs : List.of(network.providerIs, second.is())) {
            providerIs.stubFor(get(urlPathEqualTo("/person-api/EE1")).willReturn(aResponse().withStatus(200)
                    .withBody("ok")));
            providerIs.stubFor(post(urlPathEqualTo("/person-api/search")).willReturn(aResponse().withStatus(201)
                    .withBody("created")));
        }
    }

    @AfterEach
    void stop() {
        second.close();
        network.close();
    }

    private HttpResponse<String> person(String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person/EE1"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax")
                .header("X-Road-Purpose", "tax-assessment");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return is.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int served(WireMockServer providerIs) {
        return providerIs.getAllServeEvents().size();
    }

    @Test
    void bothServersUp_requestsSpreadOverBoth() throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> response = person();
            assertEquals(200, response.statusCode(), response.body());
        }

        int first = served(network.providerIs);
        int other = served(second.is());
        assertEquals(100, first + other, "each request served once");
        assertTrue(first >= 20 && other >= 20, "both take a fair share: ss1 " + first + ", ss2 " + other);
    }

    @Test
    void oneServerStoppedUnderLoad_onlyRequestsItMayHaveReceivedFailAndTheRestGoOn()
            throws IOException, InterruptedException {
        int threads = 4;
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                while (sent.incrementAndGet() <= 160) {
                    try {
                        HttpResponse<String> response = person();
                        if (response.statusCode() != 200) {
                            failures.add(response.headers().firstValue("X-Road-Error").orElse("?") + ": "
                                    + response.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            thread.start();
            load.add(thread);
        }
        while (sent.get() < 50) {
            Thread.sleep(5);
        }
        int servedBySecondBeforeStop = served(second.is());
        second.plane().close();
        stopped.set(true);
        for (Thread thread : load) {
            thread.join(60_000);
        }

        assertTrue(servedBySecondBeforeStop > 0, "ss2 served while it was up");
        // The stopped server drains what it received and refuses, unprocessed, what arrives while it
        // stops (the consumer's server sends those to ss1); at most the requests racing with its
        // connections closing (one per connection the consumer had open to it) can be lost: each
        // failure is one that may have reached ss2, sent and then cut off. Never an error ss2 made
        // while stopping (before, one exchange got ServiceFailed: its IS client already closed).
        assertTrue(failures.size() <= 2 * threads, "lost only requests that may have reached ss2: " + failures);
        failures.forEach(f -> assertTrue(f.startsWith("Server.ClientProxy.NetworkError"), f));
        assertTrue(served(network.providerIs) >= 160 - servedBySecondBeforeStop - 2 * threads - threads,
                "ss1 took the rest: " + served(network.providerIs));
        int secondAfter = served(second.is());
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = person();
            assertEquals(200, response.statusCode(), "after the stop: " + response.body());
        }
        assertEquals(secondAfter, served(second.is()), "nothing reaches a stopped server");
    }

    @Test
    void namedServer_onlyThatOneServesAndItsFailureIsNotHiddenByTheOther() throws IOException, InterruptedException {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = person("X-Road-Security-Server", "DEMO/GOV/1001/ss2");
            assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(10, served(second.is()));
        assertEquals(0, served(network.providerIs), "the named server only");

        second.plane().close();

        HttpResponse<String> down = person("X-Road-Security-Server", "DEMO/GOV/1001/ss2");
        assertEquals(500, down.statusCode(), down.body());
        assertEquals("Server.ClientProxy.NetworkError", down.headers().firstValue("X-Road-Error").orElse(""));
        assertTrue(down.body().contains("DEMO/GOV/1001/ss2"), down.body());
        assertEquals(0, served(network.providerIs), "not sent to the other server");
        assertEquals(200, person().statusCode(), "unnamed, the other server serves");
    }

    @Test
    void serverFailsAfterTheRequestWasSent_notRetriedOnAnother()
            throws CaException, CertificateException, IOException, InterruptedException, KeyManagementException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        second.close();
        AtomicInteger dropped = new AtomicInteger();
        network.startDropper("ss9", dropped);
        int failed = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = is.send(HttpRequest.newBuilder(
                            network.consumerUri("/r1/DEMO/GOV/1001/population/person/search"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE1\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                failed++;
                assertEquals("Server.ClientProxy.NetworkError", response.headers().firstValue("X-Road-Error")
                        .orElse(""), response.body());
            }
        }

        assertTrue(dropped.get() > 0, "some requests went to the failing server");
        assertEquals(dropped.get(), failed, "each request the failing server received is answered with its failure");
        assertEquals(20 - failed, served(network.providerIs), "and none of them was sent to the other server");
    }

    /**
     * A provider server that refuses requests unprocessed (503 {@code Server.ServerProxy.Overloaded},
     * as when its memory budget is spent or it is stopping): the consumer's server sends each such
     * request to the other server, so the IS sees no failure.
     */
    @Test
    void serverRefusesUnprocessed_requestGoesToTheOther()
            throws CaException, CertificateException, IOException, InterruptedException, KeyManagementException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        second.close();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        String body = "{\"type\":\"Server.ServerProxy.Overloaded\",\"message\":\"the security server is stopping\","
                + "\"detail\":null}";
        network.startAnswering("ss8", refused, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                + "X-Road-Error: Server.ServerProxy.Overloaded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = person();
            assertEquals(200, response.statusCode(), response.body());
        }
        assertTrue(refused.get() > 0, "some requests went to the refusing server first");
        assertEquals(20, served(network.providerIs), "every one was served by the other server");
    }

    @Test
    void serverRefusesTheHandshake_requestGoesToTheOther()
            throws CertificateEncodingException, IOException, InterruptedException, SigningException {
        second.close();
        // registered at an address that accepts connections and closes them unanswered: every
        // TLS handshake with it fails, so nothing was sent and the next server is tried
        try (java.net.ServerSocket closing = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger handshakes = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!closing.isClosed()) {
                    try (java.net.Socket connection = closing.accept()) {
                        handshakes.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            network.register(new org.xroadng.protocol.globalconf.GlobalConfiguration.SecurityServer(
                    TestNetwork.POPULATION_MEMBER.server("ss8"), "127.0.0.1:" + closing.getLocalPort(),
                    List.of("22".repeat(32)), List.of(TestNetwork.POPULATION)));
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = person();
                assertEquals(200, response.statusCode(), response.body());
            }
            assertEquals(10, served(network.providerIs));
            assertTrue(handshakes.get() > 0, "the failing server was tried");
        }
    }
}
