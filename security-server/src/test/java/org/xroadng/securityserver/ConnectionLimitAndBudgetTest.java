package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateEncodingException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.KeyStoreException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.securityserver.log.MessageLog;

/**
 * A proxy keeps at most its limit of connections open, and a server at most its budget of body
 * bytes in memory; beyond either it refuses at once, and what it already serves goes on.
 */
class ConnectionLimitAndBudgetTest {

    private static final int LIMIT = 20;
    /** Two 60 KB requests fit, a third does not; one message of the test network's 64 KiB always does. */
    private static final long BUDGET = 128 * 1024;

    @TempDir
    static Path dir;
    static TestNetwork network;
    private final HttpClient is = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir, MessageLog.NONE, MessageLog.NONE,
                new DataPlane.Limits(Duration.ofSeconds(30), Duration.ofSeconds(10), LIMIT, BUDGET));
    }

    @AfterAll
    static void stop() {
        network.close();
    }

    private HttpRequest.Builder query(String path) {
        return HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person" + path))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment");
    }

    @Test
    void connectionBeyondTheLimit_isClosedAtOnce_whileTheOpenOnesWork() throws IOException, InterruptedException {
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
        List<Socket> held = new ArrayList<>();
        try {
            long refusedBefore = network.consumerPlane.resources().clientProxy().refusedForLimit();
            int alreadyOpen = network.consumerPlane.resources().clientProxy().open();
            for (int i = alreadyOpen; i < LIMIT; i++) {
                Socket socket = new Socket();
                socket.connect(network.consumerPlane.clientProxyAddress(), 5000);
                socket.setSoTimeout(5000);
                held.add(socket);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (network.consumerPlane.resources().clientProxy().open() < LIMIT && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (Socket extra = new Socket()) {
                extra.connect(network.consumerPlane.clientProxyAddress(), 5000);
                extra.setSoTimeout(5000);
                assertEquals(-1, extra.getInputStream().read(), "the connection over the limit is closed");
            }
            assertEquals(refusedBefore + 1, network.consumerPlane.resources().clientProxy().refusedForLimit());

            Socket open = held.get(held.size() - 1);
            open.getOutputStream().write(("GET /r1/DEMO/GOV/1001/population/person/x HTTP/1.1\r\nHost: x\r\n"
                    + "X-Road-Client: DEMO/GOV/1002/tax\r\nX-Road-Purpose: tax-assessment\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(open.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("ok"), answer);
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void bodiesBeyondTheBudget_areRefused503Json_andTheBudgetIsGivenBack() throws IOException, InterruptedException {
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")
                .withFixedDelay(1500)));
        byte[] body = new byte[60 * 1024];
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(is.sendAsync(query("/x").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int overloaded = 0;
        for (CompletableFuture<HttpResponse<String>> future : sent) {
            HttpResponse<String> response = future.join();
            if (response.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(503, response.statusCode(), response.body());
                assertEquals("Server.ClientProxy.Overloaded", response.headers().firstValue("X-Road-Error").orElse(""));
                assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
                assertTrue(response.body().contains("\"type\":\"Server.ClientProxy.Overloaded\""), response.body());
                overloaded++;
            }
        }
        assertEquals(2, ok, "two requests fit the budget");
        assertEquals(1, overloaded);
        assertAllGivenBack();

        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
        assertEquals(200, is.send(query("/x").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the server answers afterwards");
    }

    @Test
    void answerBeyondTheProvidersBudget_isRefusedAsServerProxyOverloaded() throws IOException, InterruptedException {
        network.providerIs.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody(new byte[40 * 1024])));
        byte[] body = new byte[60 * 1024];
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sent.add(is.sendAsync(query("/x").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<String> outcomes = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> future : sent) {
            HttpResponse<String> response = future.join();
            outcomes.add(response.statusCode() + " " + response.headers().firstValue("X-Road-Error").orElse(""));
        }
        assertTrue(outcomes.stream().allMatch(o -> o.equals("200 ") || o.equals("503 Server.ServerProxy.Overloaded")
                || o.equals("503 Server.ClientProxy.Overloaded")), outcomes.toString());
        assertTrue(outcomes.stream().anyMatch(o -> o.startsWith("503")), "2 x (60 + 40) KB exceed 128 KB: " + outcomes);
        assertAllGivenBack();
    }

    /** Reservations close when the answer's write completes, which may be just after the client has read it. */
    private static void assertAllGivenBack() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while ((network.consumerPlane.resources().bodies().inFlight() != 0
                || network.providerPlane.resources().bodies().inFlight() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, network.consumerPlane.resources().bodies().inFlight(), "every reservation given back");
        assertEquals(0, network.providerPlane.resources().bodies().inFlight());
    }
}
