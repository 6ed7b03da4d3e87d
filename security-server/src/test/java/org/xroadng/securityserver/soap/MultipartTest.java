package org.xroadng.securityserver.soap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SOAP messages with attachments as {@link Multipart} splits and writes them: parts byte for byte
 * (binary content with CR LF inside included), the root by {@code start}, folded part headers, and
 * every malformed body refused with what is wrong.
 */
class MultipartTest {

    private static final byte[] BINARY = {0, '\r', '\n', '-', '-', 'x', (byte) 0xff, '\r', '\n'};

    private static byte[] body() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-ID: <att>\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(BINARY);
        out.writeBytes(("\r\n--b1\r\nContent-Type: text/xml;\r\n charset=utf-8\r\nContent-ID: <root>\r\n\r\n<e/>"
                + "\r\n--b1--\r\nepilogue").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    @Test
    void parts_areFoundByteForByte_andTheRootByStart() {
        Multipart multipart = Multipart.parse(ContentType.parse("multipart/related; type=\"text/xml\";"
                + " start=\"<root>\"; boundary=b1"), body());
        assertEquals(2, multipart.parts().size());
        assertArrayEquals(BINARY, multipart.parts().get(0).content());
        assertEquals("<e/>", new String(multipart.root().content(), StandardCharsets.UTF_8));
        assertEquals("text/xml; charset=utf-8", multipart.root().header("content-type").orElseThrow());
    }

    @Test
    void withRoot_replacesOnlyTheRootContent() {
        Multipart multipart = Multipart.parse(ContentType.parse("multipart/related; start=\"<root>\"; boundary=b1"),
                body());
        byte[] again = multipart.withRoot("<f/>".getBytes(StandardCharsets.UTF_8));
        Multipart reread = Multipart.parse(ContentType.parse("multipart/related; start=\"<root>\"; boundary=b1"), again);
        assertArrayEquals(BINARY, reread.parts().get(0).content());
        assertEquals("<f/>", new String(reread.root().content(), StandardCharsets.UTF_8));
    }

    @Test
    void written_isReadBack() {
        byte[] written = Multipart.write("w", List.of(new Multipart.Part(List.of(Map.entry("Content-Type", "text/xml")),
                "<r/>".getBytes(StandardCharsets.UTF_8)), new Multipart.Part(List.of(), BINARY)));
        Multipart read = Multipart.parse(ContentType.parse("multipart/related; boundary=w"), written);
        assertEquals("<r/>", new String(read.root().content(), StandardCharsets.UTF_8));
        assertArrayEquals(BINARY, read.parts().get(1).content());
    }

    @Test
    void malformedBodies_areRefusedSayingWhy() {
        assertRefused("multipart/related", body(), "no boundary");
        assertRefused("multipart/related; boundary=other", body(), "no delimiter");
        assertRefused("multipart/related; boundary=b1; start=\"<nosuch>\"", body(), "no part has the Content-ID");
        assertRefused("multipart/related; boundary=b1", "--b1\r\nContent-Type: text/xml\r\n\r\n<e/>"
                .getBytes(StandardCharsets.ISO_8859_1), "not closed");
        assertRefused("multipart/related; boundary=b1", "--b1\r\nbroken header\r\n\r\n<e/>\r\n--b1--"
                .getBytes(StandardCharsets.ISO_8859_1), "is not 'name: value'");
        assertThrows(IllegalArgumentException.class, () -> ContentType.parse("multipart/related; boundary=\"open"));
        assertThrows(IllegalArgumentException.class, () -> ContentType.parse("xml"));
    }

    private static void assertRefused(String type, byte[] body, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multipart.parse(ContentType.parse(type), body));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
