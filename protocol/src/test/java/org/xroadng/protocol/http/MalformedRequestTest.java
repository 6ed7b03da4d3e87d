package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Requests no HTTP client library will build, written on a raw socket: each is answered with the
 * server's JSON error, never the HTML page or exception name of the HTTP engine.
 */
class MalformedRequestTest {

    private HttpApiServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpApiServer.builder("test")
                .maxBodyBytes(16)
                .route("GET", "/api/v1/members/{id...}", call -> HttpReply.text(200, "member " + call.pathParam("id")))
                .route("GET", "/api/v1/things/{id}", call -> HttpReply.text(200, "thing " + call.pathParam("id")))
                .route("POST", "/echo", call -> HttpReply.of(200, "application/octet-stream", call.body()))
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The status line and body of the answer to {@code request}, sent as ISO-8859-1 bytes. */
    static Raw raw(HttpApiServer server, String request) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                all.write(buffer, 0, n);
                String text = all.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end > 0) {
                    int length = contentLength(text.substring(0, end));
                    if (text.length() >= end + 4 + length) {
                        break;
                    }
                }
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            return new Raw(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    record Raw(int status, String head, String body) {
        /** The body as our JSON error; fails unless it has type and message and names no Java class. */
        JsonNode error() throws IOException {
            assertTrue(head.toLowerCase().contains("content-type: application/json"), head);
            JsonNode json = ProtocolJson.mapper().readTree(body);
            assertTrue(json.path("type").isTextual() && json.path("message").isTextual(), body);
            assertFalse(body.contains("Exception") || body.contains("java.") || body.contains("<h1>"), body);
            return json;
        }
    }

    @Test
    void badPercentEscapeInPath_is400JsonSayingWhere() throws IOException {
        Raw raw = raw(server, "GET /api/v1/members/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEquals(400, raw.status(), raw.head());
        String message = raw.error().get("message").asText();
        assertTrue(message.contains("the path has a malformed percent-escape '%zz' at position 17"), message);
    }

    @Test
    void truncatedPercentEscapeOrBadEscapeInQuery_is400Json() throws IOException {
        for (String target : new String[] {"/api/v1/things/a%2", "/api/v1/things/a%", "/api/v1/things/a?q=%g1",
                "/nowhere/%zz"}) {
            Raw raw = raw(server, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertEquals(400, raw.status(), target);
            assertTrue(raw.error().get("message").asText().contains("malformed percent-escape"), raw.body());
        }
    }

    @Test
    void characterThatMustBeEscaped_is400Json() throws IOException {
        for (String target : new String[] {"/api/v1/things/a|b", "/api/v1/things/{x}", "/api/v1/things/\u00e9",
                "/api/v1/things/a\"b"}) {
            Raw raw = raw(server, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

            assertEquals(400, raw.status(), target);
            assertTrue(raw.error().get("message").asText().contains("must be percent-encoded"), raw.body());
        }
    }

    @Test
    void notHttpAtAll_is400Json() throws IOException {
        Raw raw = raw(server, "HELLO\r\n\r\n");

        assertEquals(400, raw.status(), raw.head());
        raw.error();
    }

    @Test
    void nonNumericContentLength_is400Json() throws IOException {
        Raw raw = raw(server, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n");

        assertEquals(400, raw.status(), raw.head());
        raw.error();
    }

    @Test
    void overlongHeaders_is431Json() throws IOException {
        Raw raw = raw(server, "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

        assertEquals(431, raw.status(), raw.head());
        raw.error();
    }

    @Test
    void chunkedBodyOverLimit_is413Json() throws IOException {
        Raw raw = raw(server, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "11\r\n" + "x".repeat(17) + "\r\n0\r\n\r\n");

        assertEquals(413, raw.status(), raw.head());
        assertTrue(raw.error().get("message").asText().contains("limit of 16 bytes"), raw.body());
    }

    @Test
    void expectContinueOverLimit_is413Json() throws IOException {
        Raw raw = raw(server, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n");

        assertEquals(413, raw.status(), raw.head());
        raw.error();
    }

    @Test
    void pipelinedRequests_areAnsweredInOrderOnOneConnection() throws IOException {
        Raw raw = raw(server, "GET /api/v1/things/a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/v1/things/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEquals(200, raw.status());
        assertTrue(raw.body().startsWith("thing a"), raw.body());
    }

    @Test
    void absoluteFormTarget_isRouted() throws IOException {
        Raw raw = raw(server, "GET http://x/api/v1/things/a%20b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEquals(200, raw.status(), raw.head());
        assertEquals("thing a b", raw.body());
    }
}
