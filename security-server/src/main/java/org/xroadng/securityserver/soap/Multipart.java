package org.xroadng.securityserver.soap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code multipart/related} body (RFC 2046 section 5.1, RFC 2387) split into its parts: each
 * part's header fields and content bytes exactly as received. Used for SOAP messages with
 * attachments (SwA, MTOM/XOP): X-Road keeps every part unchanged, so the parts are never decoded,
 * only located; {@link #withRoot} writes the body again with another root part content.
 *
 * <p>Refused with {@link IllegalArgumentException}: no boundary, no closing delimiter, a part
 * without a blank line after its header, more than {@value #MAX_PARTS} parts.
 */
final class Multipart {

    static final int MAX_PARTS = 1000;

    /** One part: its header fields in order and its content. */
    record Part(List<Map.Entry<String, String>> headers, byte[] content) {

        Part {
            headers = List.copyOf(headers);
        }

        Optional<String> header(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
        }
    }

    private final String boundary;
    private final List<Part> parts;
    private final int root;

    private Multipart(String boundary, List<Part> parts, int root) {
        this.boundary = boundary;
        this.parts = List.copyOf(parts);
        this.root = root;
    }

    /**
     * Splits {@code body} declared as {@code type}; the root part is the one the {@code start}
     * parameter names by {@code Content-ID}, else the first (RFC 2387 section 3.2).
     */
    static Multipart parse(ContentType type, byte[] body) {
        String boundary = type.parameter("boundary").filter(b -> !b.isEmpty() && b.length() <= 70)
                .orElseThrow(() -> new IllegalArgumentException("multipart Content-Type has no boundary (1..70"
                        + " characters)"));
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int at = first(body, delimiter, 0);
        if (at < 0) {
            throw new IllegalArgumentException("the body holds no delimiter of boundary '" + boundary + "'");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            int after = at + delimiter.length;
            if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
                break; // close-delimiter
            }
            int lineEnd = first(body, CRLF, after);
            if (lineEnd < 0) {
                throw new IllegalArgumentException("part " + (parts.size() + 1) + " is cut off after its delimiter");
            }
            int headEnd = first(body, BLANK_LINE, lineEnd);
            int contentStart;
            List<Map.Entry<String, String>> headers;
            if (startsWith(body, lineEnd, BLANK_LINE)) {
                headers = List.of();
                contentStart = lineEnd + BLANK_LINE.length;
            } else if (headEnd < 0) {
                throw new IllegalArgumentException("part " + (parts.size() + 1) + " has no blank line after its header");
            } else {
                headers = headers(new String(body, lineEnd + 2, headEnd - lineEnd - 2, StandardCharsets.ISO_8859_1));
                contentStart = headEnd + BLANK_LINE.length;
            }
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int end = first(body, next, contentStart);
            if (end < 0) {
                throw new IllegalArgumentException("part " + (parts.size() + 1) + " is not closed by a delimiter");
            }
            byte[] content = new byte[end - contentStart];
            System.arraycopy(body, contentStart, content, 0, content.length);
            parts.add(new Part(headers, content));
            if (parts.size() > MAX_PARTS) {
                throw new IllegalArgumentException("more than " + MAX_PARTS + " parts");
            }
            at = end + 2;
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the multipart body has no part");
        }
        int root = 0;
        Optional<String> start = type.parameter("start");
        if (start.isPresent()) {
            root = -1;
            for (int i = 0; i < parts.size() && root < 0; i++) {
                if (parts.get(i).header("Content-ID").map(String::trim).filter(start.get().trim()::equals).isPresent()) {
                    root = i;
                }
            }
            if (root < 0) {
                throw new IllegalArgumentException("no part has the Content-ID " + start.get() + " that start names");
            }
        }
        return new Multipart(boundary, parts, root);
    }

    List<Part> parts() {
        return parts;
    }

    Part root() {
        return parts.get(root);
    }

    /** The body again, the root part's content replaced by {@code content}; every other byte of every part kept. */
    byte[] withRoot(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, String> header : part.headers()) {
                if (i == root && header.getKey().equalsIgnoreCase("Content-Length")) {
                    continue;
                }
                out.writeBytes((header.getKey() + ": " + header.getValue() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes(CRLF);
            out.writeBytes(i == root ? content : part.content());
            out.writeBytes(CRLF);
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** A body of a root part and attachments, each part given as its header fields and content. */
    static byte[] write(String boundary, List<Part> parts) {
        return new Multipart(boundary, parts, 0).withRoot(parts.get(0).content());
    }

    private static List<Map.Entry<String, String>> headers(String head) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && !headers.isEmpty()) {
                Map.Entry<String, String> last = headers.remove(headers.size() - 1); // folded (RFC 5322 2.2.3)
                headers.add(Map.entry(last.getKey(), last.getValue() + " " + line.trim()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("part header line '" + printable(line) + "' is not 'name: value'");
            }
            headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return headers;
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] BLANK_LINE = {'\r', '\n', '\r', '\n'};

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (at + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int first(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String printable(String line) {
        String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
