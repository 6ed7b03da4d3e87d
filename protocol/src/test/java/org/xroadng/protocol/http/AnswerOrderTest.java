package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Every request on a connection gets exactly one answer, in the order the requests were sent
 * (RFC 9112 section 9.3.2), also when an endpoint throws an {@link Error} or a later request is
 * refused by the server itself (malformed, too large) while an earlier one is still being answered.
 */
class AnswerOrderTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private HttpApiServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private void start() throws IOException {
        server = HttpApiServer.builder("order").maxBodyBytes(16)
                .route("GET", "/overflow", call -> {
                    throw new StackOverflowError("deep");
                })
                .route("GET", "/oom", call -> {
                    throw new OutOfMemoryError("secret heap detail");
                })
                .route("GET", "/ok", call -> HttpReply.text(200, "ok"))
                .route("GET", "/slow", call -> {
                    try {
                        release.await(300, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return HttpReply.text(200, "slow");
                })
                .start();
    }

    /** One answer as it came off the wire. */
    record Answer(int status, String head, String body) {
        JsonNode error() throws IOException {
            assertTrue(head.toLowerCase().contains("content-type: application/json"), head);
            assertFalse(body.contains("Exception") || body.contains("StackOverflow") || body.contains("OutOfMemory")
                    || body.contains("java.") || body.contains("secret"), body);
            JsonNode json = ProtocolJson.mapper().readTree(body);
            assertTrue(json.path("type").isTextual() && json.path("message").isTextual(), body);
            return json;
        }
    }

    /** Sends {@code requests} at once on one connection; the answers read until the server closes or 5 s pass. */
    static List<Answer> exchange(HttpApiServer server, String requests) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readAnswers(socket, 5000);
        }
    }

    static List<Answer> readAnswers(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // what arrived so far
        }
        return parse(all.toString(StandardCharsets.UTF_8));
    }

    static List<Answer> parse(String text) {
        List<Answer> answers = new ArrayList<>();
        while (!text.isEmpty()) {
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            answers.add(new Answer(Integer.parseInt(head.substring(9, 12)), head,
                    text.substring(end + 4, end + 4 + length)));
            text = text.substring(end + 4 + length);
        }
        return answers;
    }

    @Test
    void errorInEndpoint_is500WithIncident() throws IOException {
        start();
        for (String path : new String[] {"/overflow", "/oom"}) {
            List<Answer> answers = exchange(server, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertEquals(1, answers.size(), path);
            assertEquals(500, answers.get(0).status(), path);
            assertTrue(answers.get(0).error().path("detail").isTextual(), answers.get(0).body());
        }
    }

    @Test
    void errorInPipelinedEndpoint_eachRequestGetsItsOwnAnswer() throws IOException {
        start();
        List<Answer> answers = exchange(server, "GET /overflow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEquals(List.of(500, 200), answers.stream().map(Answer::status).toList());
        assertEquals("ok", answers.get(1).body());
    }

    @Test
    void malformedAfterSlowRequest_answeredAfterItThenClosed() throws IOException {
        start();
        List<Answer> answers = exchange(server, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");

        assertEquals(List.of(200, 400), answers.stream().map(Answer::status).toList());
        assertEquals("slow", answers.get(0).body());
        answers.get(1).error();
        assertTrue(answers.get(1).head().toLowerCase().contains("connection: close"), answers.get(1).head());
    }

    @Test
    void oversizedBodyAfterSlowRequest_413AnsweredAfterIt() throws IOException {
        start();
        List<Answer> answers = exchange(server, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + "x".repeat(17));

        assertEquals(List.of(200, 413), answers.stream().map(Answer::status).toList());
        assertEquals("slow", answers.get(0).body());
        assertTrue(answers.get(1).error().get("message").asText().contains("limit of 16 bytes"), answers.get(1).body());
    }

    @Test
    void chunkedOversizedBodyAfterSlowRequest_413AnsweredAfterIt() throws IOException {
        start();
        List<Answer> answers = exchange(server, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "11\r\n" + "x".repeat(17) + "\r\n0\r\n\r\n");

        assertEquals(List.of(200, 413), answers.stream().map(Answer::status).toList());
        answers.get(1).error();
    }

    @Test
    void unsupportedExpectation_is417Json() throws IOException {
        start();
        List<Answer> answers = exchange(server, "GET /ok HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n");

        assertEquals(List.of(417), answers.stream().map(Answer::status).toList());
        answers.get(0).error();
    }
}
