package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateEncodingException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.KeyStoreException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.securityserver.log.MessageLog;

/**
 * Connections that keep a server waiting are closed (DESIGN.md section 9): idle ones after the idle
 * timeout, even a thousand at once while exchanges go on; a request head that never ends after the
 * header deadline; never a connection whose exchange the provider is still working on. Also: a
 * refused TLS handshake is one log line, and an oversized body announced with
 * {@code Expect: 100-continue} gets our JSON 413.
 */
class IdleAndSlowConnectionsTest {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration HEADER = Duration.ofSeconds(1);
    private static final int IDLE_CONNECTIONS = 1000;

    @TempDir
    static Path dir;
    static TestNetwork network;
    private final HttpClient is = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        network = new TestNetwork(dir, MessageLog.NONE, MessageLog.NONE,
                new DataPlane.Limits(IDLE, HEADER, IDLE_CONNECTIONS + 100, 64L * 1024 * 1024));
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

    private HttpRequest.Builder query(String path) {
        return HttpRequest.newBuilder(network.consumerUri("/r1/DEMO/GOV/1001/population/person" + path))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment");
    }

    private static InetSocketAddress clientProxy() {
        return network.consumerPlane.clientProxyAddress();
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void thousandIdleConnections_areClosedWithinTheIdleTimeout_whileQueriesGoOn() throws IOException, InterruptedException {
        long before = openFiles();
        List<Socket> idle = new ArrayList<>();
        long opened;
        AtomicBoolean querying = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread queries = new Thread(() -> {
            while (querying.get()) {
                try {
                    HttpResponse<String> response = is.send(query("/x").build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        answered.incrementAndGet();
                    } else {
                        failures.add(response.statusCode() + " " + response.body());
                    }
                } catch (IOException | InterruptedException e) {
                    failures.add(e.toString());
                }
            }
        });
        try {
            for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                Socket socket = new Socket();
                socket.connect(clientProxy(), 5000);
                socket.setSoTimeout(10_000);
                idle.add(socket);
            }
            opened = System.nanoTime();
            queries.start();
            long during = openFiles();
            for (Socket socket : idle) {
                assertEquals(-1, socket.getInputStream().read(), "the server closes an idle connection");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - opened);
            Thread.sleep(300);
            querying.set(false);
            queries.join();
            for (Socket socket : idle) {
                socket.close();
            }
            Thread.sleep(200);
            long after = openFiles();
            System.out.printf("idle test: open files %d before, %d with %d idle connections (both ends in this JVM),"
                    + " %d after; all closed by the server %d ms after the last connected; %d queries answered meanwhile%n",
                    before, during, IDLE_CONNECTIONS, after, took.toMillis(), answered.get());
            assertTrue(took.compareTo(IDLE.plusMillis(2500)) < 0, "closed within the idle timeout and slack: " + took);
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(answered.get() > 0, "queries went on");
            assertTrue(network.consumerPlane.resources().clientProxy().closedIdle() >= IDLE_CONNECTIONS);
            assertTrue(after < before + 50, "descriptors given back: " + before + " -> " + after);
        } finally {
            querying.set(false);
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void idleConnectionToTheServerProxy_isClosedToo() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(network.providerPlane.serverProxyAddress(), 5000);
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(IDLE.plusMillis(2000)) < 0);
        }
    }

    @Test
    void slowProvider_isNotCutByTheIdleTimeout() throws IOException, InterruptedException {
        network.providerIs.stubFor(get(urlPathEqualTo("/person-api/slow"))
                .willReturn(aResponse().withStatus(200).withBody("late").withFixedDelay((int) IDLE.toMillis() + 1500)));

        HttpResponse<String> response = is.send(query("/slow").build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("late", response.body());
    }

    @Test
    void requestHeadThatNeverEnds_isClosedAfterTheHeaderDeadline() throws IOException, InterruptedException {
        long slowBefore = network.consumerPlane.resources().clientProxy().closedSlow();
        try (Socket socket = new Socket()) {
            socket.connect(clientProxy(), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            out.write("GET /r1/DEMO/GOV/1001/population/person/x HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        Thread.sleep(150);
                        out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            });
            trickle.start();
            int read = socket.getInputStream().read();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            trickle.interrupt();

            assertEquals(-1, read);
            assertTrue(took.compareTo(HEADER.minusMillis(100)) > 0 && took.compareTo(HEADER.plusMillis(1500)) < 0,
                    "closed at the header deadline, not later, though bytes kept coming: " + took);
            assertEquals(slowBefore + 1, network.consumerPlane.resources().clientProxy().closedSlow());
        }
    }

    @Test
    void oversizedBodyWithExpectContinue_getsOurJson413_andAnAcceptableOneGets100Continue() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(clientProxy(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /r1/DEMO/GOV/1001/population/person/x HTTP/1.1\r\nHost: x\r\n"
                    + "X-Road-Client: DEMO/GOV/1002/tax\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("X-Road-Error: Client.RequestTooLarge\r\n"), answer);
            assertTrue(answer.toLowerCase().contains("content-type: application/json; charset=utf-8\r\n"), answer);
            assertTrue(answer.contains("\"type\":\"Client.RequestTooLarge\""), answer);
        }
        try (Socket socket = new Socket()) {
            socket.connect(clientProxy(), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /r1/DEMO/GOV/1001/population/person/x HTTP/1.1\r\nHost: x\r\n"
                    + "X-Road-Client: DEMO/GOV/1002/tax\r\nX-Road-Purpose: tax-assessment\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] interim = new byte[25];
            int n = in.readNBytes(interim, 0, interim.length);
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, 0, n, StandardCharsets.US_ASCII));
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    @Test
    void oversizedBodyFromCurl_getsOurJson413() throws IOException, InterruptedException {
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[1_500_000]);
        Process curl;
        try {
            curl = new ProcessBuilder("curl", "-s", "-D", "-", "-H", "Expect: 100-continue", "-H",
                    "X-Road-Client: DEMO/GOV/1002/tax", "--data-binary", "@" + big,
                    network.consumerUri("/r1/DEMO/GOV/1001/population/person/x").toString())
                    .redirectErrorStream(true).start();
        } catch (IOException noCurl) {
            org.junit.jupiter.api.Assumptions.abort("curl is not installed: " + noCurl.getMessage());
            return;
        }
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), output);

        assertTrue(output.startsWith("HTTP/1.1 413 "), output);
        assertTrue(output.contains("X-Road-Error: Client.RequestTooLarge"), output);
        assertTrue(output.endsWith("}") && output.contains("\"type\":\"Client.RequestTooLarge\""), output);
    }

    @Test
    void refusedTlsHandshakes_areOneLogLineWithoutStackTrace_rateLimited() throws IOException, InterruptedException {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 5; i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(network.providerPlane.serverProxyAddress(), 5000);
                    socket.setSoTimeout(5000);
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals(-1, socket.getInputStream().read(), "refused");
                }
            }
            Thread.sleep(300);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        long lines = log.lines().filter(l -> l.contains("TLS handshake from 127.0.0.1:")).count();
        assertEquals(1, lines, "one line for five refusals within the interval:\n" + log);
        assertTrue(log.lines().anyMatch(l -> l.contains("failed: handshake failed (not a TLS record)")), log);
        assertTrue(log.lines().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception:")), log);
        assertEquals(5, network.providerPlane.resources().tlsRefusals().refused());
    }
}
