package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.http.AnswerOrderTest.Answer;

/**
 * Slow and hostile clients are bounded: a connection is not read while its request is answered,
 * connections beyond the limit are closed at once, a request head has a deadline, an idle
 * connection is closed, and a full worker pool answers 503 instead of queueing without end.
 */
class ConnectionBoundsTest {

    private static final byte[] GET_OK = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final AtomicInteger calls = new AtomicInteger();
    private HttpApiServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private HttpApiServer.Builder builder() {
        return HttpApiServer.builder("bounds")
                .route("GET", "/ok", call -> HttpReply.text(200, "ok"))
                .route("POST", "/held", call -> held())
                .route("GET", "/held", call -> held())
                .route("GET", "/sleep", call -> {
                    try {
                        Thread.sleep(600);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpReply.text(200, "slept");
                });
    }

    private HttpReply held() {
        calls.incrementAndGet();
        entered.countDown();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return HttpReply.text(200, "held");
    }

    private Socket connect() throws IOException {
        return new Socket(server.address().getAddress(), server.address().getPort());
    }

    /** True when the server closed the connection within {@code millis} (end of stream or reset). */
    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer before the close is fine
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void pipelinedLargeRequests_notReadWhileOneIsAnsweredThenAllAnsweredInOrder() throws IOException, InterruptedException {
        server = builder().maxBodyBytes(64 * 1024).start();
        int count = 500;
        byte[] body = new byte[60 * 1024];
        byte[] head = ("POST /held HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        AtomicLong written = new AtomicLong();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        out.write(head);
                        out.write(body);
                        written.addAndGet(head.length + body.length);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the test fails on the answers
                }
            });
            writer.start();
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            Thread.sleep(1500);

            long total = (long) count * (head.length + body.length);
            assertTrue(written.get() < total / 2, "the server took " + written.get() + " of " + total
                    + " bytes of pipelined requests while answering the first");
            assertEquals(1, calls.get());

            release.countDown();
            List<Answer> answers = AnswerOrderTest.parse(readAnswers(socket, count));
            assertEquals(count, answers.size());
            assertTrue(answers.stream().allMatch(a -> a.status() == 200 && a.body().equals("held")));
            writer.join(5000);
        }
    }

    /** Reads until {@code count} answers (each ends with the body "held") arrived. */
    private static String readAnswers(Socket socket, int count) throws IOException {
        socket.setSoTimeout(20_000);
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        int seen = 0;
        for (int n; seen < count && (n = in.read(buffer)) > 0; ) {
            text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            seen = text.toString().split("\r\n\r\nheld", -1).length - 1;
        }
        return text.toString();
    }

    @Test
    void fullWorkerPoolAndQueue_is503BusyJson() throws IOException, InterruptedException {
        server = builder().threads(1).queueCapacity(1).start();
        try (Socket running = connect(); Socket queued = connect(); Socket refused = connect()) {
            running.getOutputStream().write("GET /held HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            queued.getOutputStream().write("GET /held HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);

            refused.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            List<Answer> busy = AnswerOrderTest.readAnswers(refused, 3000);

            assertEquals(List.of(503), busy.stream().map(Answer::status).toList());
            assertEquals("Busy", busy.get(0).error().get("type").asText());
            assertTrue(busy.get(0).head().contains("Retry-After: 1"), busy.get(0).head());
            release.countDown();
            assertTrue(readAnswers(running, 1).contains("200 OK"));
            assertTrue(readAnswers(queued, 1).contains("200 OK"));
        }
    }

    @Test
    void connectionsOverLimit_closedAtOnce() throws IOException, InterruptedException {
        server = builder().maxConnections(2).start();
        try (Socket first = connect(); Socket second = connect()) {
            for (Socket socket : List.of(first, second)) {
                socket.getOutputStream().write(GET_OK);
                socket.setSoTimeout(3000);
                assertTrue(socket.getInputStream().read(new byte[100]) > 0);
            }
            try (Socket third = connect()) {
                third.getOutputStream().write(GET_OK);
                assertTrue(closedWithin(third, 2000), "the third connection was kept open");
            }
            first.close();
            Thread.sleep(200);
            try (Socket fourth = connect()) {
                fourth.getOutputStream().write("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, AnswerOrderTest.readAnswers(fourth, 3000).get(0).status());
            }
        }
    }

    @Test
    void headTrickledSlowly_closedAtHeaderDeadline() throws IOException, InterruptedException {
        server = builder().headerTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(30)).start();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /ok HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            try {
                for (int i = 0; i < 40 && !closed; i++) {
                    out.write('X');
                    out.flush();
                    socket.setSoTimeout(100);
                    try {
                        closed = socket.getInputStream().read() < 0;
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // trickle on
                    }
                }
            } catch (SocketException reset) {
                closed = true;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(closed, "a head trickled for 4 s was not cut off");
            assertTrue(millis >= 400 && millis < 2500, "closed after " + millis + " ms");
        }
    }

    @Test
    void idleConnection_closedAfterIdleTimeout() throws IOException, InterruptedException {
        server = builder().idleTimeout(Duration.ofMillis(400)).start();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(GET_OK);
            socket.setSoTimeout(3000);
            assertTrue(socket.getInputStream().read(new byte[100]) > 0);
            long start = System.nanoTime();

            assertTrue(closedWithin(socket, 3000));
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 300);
        }
    }

    @Test
    void slowEndpoint_notCutOffByTimeouts() throws IOException, InterruptedException {
        server = builder().idleTimeout(Duration.ofMillis(200)).headerTimeout(Duration.ofMillis(200)).start();
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /sleep HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            List<Answer> answers = AnswerOrderTest.readAnswers(socket, 3000);

            assertEquals(1, answers.size());
            assertEquals("slept", answers.get(0).body());
        }
    }

    @Test
    void badOptions_refusedNamingTheOption() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpApiServer.builder("x").queueCapacity(0));
        assertEquals("queueCapacity must be at least 1; given 0", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> HttpApiServer.builder("x").headerTimeout(Duration.ZERO));
        assertTrue(e.getMessage().startsWith("headerTimeout must be a positive duration"), e.getMessage());
    }
}
