package org.xroadng.securityserver.log.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.xroadng.securityserver.log.LogRow;
import org.xroadng.securityserver.log.RecordCipher;
import org.xroadng.securityserver.log.timestamp.TimestampBatch;

/**
 * The archive file format, version 1: UTF-8 JSON Lines, one JSON object per line, each line ended
 * by {@code \n}, in this order:
 *
 * <ol>
 *   <li>{@code {"type":"header","format":"xroadng-messagelog-archive","version":1,"sequence":n,
 *       "previousFileSha256":hex,"createdAt":iso}}: the SHA-256 of the whole previous file's bytes
 *       (64 zeros for sequence 1);</li>
 *   <li>per batch, in id order, {@code {"type":"batch","id","root":hex,"size","firstRecordId",
 *       "lastRecordId","tsaUrl","stampedAt","genTime","token":base64 DER}}, followed at once by its
 *       {@code size} records in leaf order, each {@code {"type":"record","id","side","kind",
 *       "queryId","requestId","client","service","method","path","userId","issue","purpose",
 *       "subjects":[..],"dataSubjects":[..],"status","exchangedAt","storedAt","signature",
 *       "bodySha256":hex,"bodySealed":base64,"prevHash":hex,"recordHash":hex,"batchId",
 *       "leafIndex","inclusionPath":[hex..]}}: every column as stored, the body still sealed
 *       (AES-256-GCM under the message log key, see {@link RecordCipher});</li>
 *   <li>{@code {"type":"end","batches":n,"records":n,"lastRecordId","lastRecordHash":hex}}, so a
 *       truncated file is recognised.</li>
 * </ol>
 *
 * <p>Instants are ISO-8601 UTC with nanoseconds ({@link Instant#toString()}), absent values JSON
 * null. A file is self-contained: with the message log key (for bodies) and the TSA certificate
 * (for tokens) it can be checked and read without the database. Decoding checks the structure
 * (line types, order, counts, field types) and reports the first problem naming the file and line
 * or record; the hash chain, proofs and tokens are checked by {@link ArchiveVerifier}.
 */
final class ArchiveCodec {

    static final String FORMAT = "xroadng-messagelog-archive";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private ArchiveCodec() {
    }

    /** The file's bytes. */
    static byte[] encode(ArchiveFile file) {
        StringBuilder out = new StringBuilder();
        ObjectNode header = JSON.createObjectNode().put("type", "header").put("format", FORMAT)
                .put("version", VERSION).put("sequence", file.sequence())
                .put("previousFileSha256", HEX.formatHex(file.previousFileSha256()))
                .put("createdAt", file.createdAt().toString());
        line(out, header);
        for (ArchivedBatch b : file.batches()) {
            line(out, batch(b.batch()));
            for (ArchivedRecord r : b.records()) {
                line(out, record(r));
            }
        }
        ArchivedRecord last = file.lastRecord();
        line(out, JSON.createObjectNode().put("type", "end").put("batches", file.batches().size())
                .put("records", file.recordCount()).put("lastRecordId", last.row().id())
                .put("lastRecordHash", HEX.formatHex(last.recordHash())));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder out, ObjectNode node) {
        try {
            out.append(JSON.writeValueAsString(node)).append('\n');
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree: " + e.getMessage(), e);
        }
    }

    private static ObjectNode batch(TimestampBatch b) {
        return JSON.createObjectNode().put("type", "batch").put("id", b.id()).put("root", HEX.formatHex(b.root()))
                .put("size", b.size()).put("firstRecordId", b.firstRecordId()).put("lastRecordId", b.lastRecordId())
                .put("tsaUrl", b.tsaUrl()).put("stampedAt", b.stampedAt().toString())
                .put("genTime", b.genTime().toString()).put("token", Base64.getEncoder().encodeToString(b.token()));
    }

    private static ObjectNode record(ArchivedRecord a) {
        LogRow r = a.row();
        ObjectNode n = JSON.createObjectNode().put("type", "record").put("id", r.id()).put("side", r.side())
                .put("kind", r.kind()).put("queryId", r.queryId()).put("requestId", r.requestId())
                .put("client", r.client()).put("service", r.service()).put("method", r.method())
                .put("path", r.path()).put("userId", r.userId()).put("issue", r.issue()).put("purpose", r.purpose());
        r.subjects().forEach(n.putArray("subjects")::add);
        r.dataSubjects().forEach(n.putArray("dataSubjects")::add);
        n.put("status", r.status()).put("exchangedAt", r.exchangedAt().toString())
                .put("storedAt", r.storedAt().toString()).put("signature", r.signature())
                .put("bodySha256", HEX.formatHex(r.bodySha256()))
                .put("bodySealed", Base64.getEncoder().encodeToString(r.bodySealed()))
                .put("prevHash", HEX.formatHex(r.prevHash())).put("recordHash", HEX.formatHex(a.recordHash()))
                .put("batchId", a.batchId()).put("leafIndex", a.leafIndex());
        ArrayNode path = n.putArray("inclusionPath");
        a.inclusionPath().forEach(h -> path.add(HEX.formatHex(h)));
        return n;
    }

    /**
     * Parses a file's bytes; {@code name} is used in failures.
     *
     * @throws ArchiveVerificationException the bytes are not a complete, well-formed version 1 file
     */
    static ArchiveFile decode(String name, byte[] bytes) throws ArchiveVerificationException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.isEmpty() || text.charAt(text.length() - 1) != '\n') {
            throw new ArchiveVerificationException(name, -1, "the file is not complete", "a last line ending in \\n",
                    text.isEmpty() ? "an empty file" : "no final line break");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        Reader in = new Reader(name, lines);
        Fields header = in.next("header");
        header.requireText("format", FORMAT);
        if (header.longValue("version") != VERSION) {
            throw header.fail("unsupported format version", Integer.toString(VERSION),
                    Long.toString(header.longValue("version")));
        }
        long sequence = header.longValue("sequence");
        byte[] previous = header.hash("previousFileSha256");
        Instant createdAt = header.instant("createdAt");
        List<ArchivedBatch> batches = new ArrayList<>();
        long recordCount = 0;
        while (in.peekType().equals("batch")) {
            Fields b = in.next("batch");
            TimestampBatch batch = b.batch();
            if (b.longValue("lastRecordId") != batch.lastRecordId()) {
                throw b.fail("lastRecordId is not firstRecordId + size - 1", Long.toString(batch.lastRecordId()),
                        Long.toString(b.longValue("lastRecordId")));
            }
            List<ArchivedRecord> records = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                records.add(in.next("record").record());
            }
            batches.add(new ArchivedBatch(batch, records));
            recordCount += records.size();
        }
        Fields end = in.next("end");
        if (batches.isEmpty()) {
            throw end.fail("an archive file holds at least one batch", ">= 1 batch", "0");
        }
        if (end.longValue("batches") != batches.size() || end.longValue("records") != recordCount) {
            throw end.fail("the end line's counts do not match the file", batches.size() + " batches, "
                    + recordCount + " records", end.longValue("batches") + " batches, " + end.longValue("records")
                    + " records");
        }
        ArchiveFile file = new ArchiveFile(sequence, previous, createdAt, batches);
        ArchivedRecord last = file.lastRecord();
        if (end.longValue("lastRecordId") != last.row().id()
                || !java.util.Arrays.equals(end.hash("lastRecordHash"), last.recordHash())) {
            throw end.fail("the end line does not name the file's last record", last.row().id() + " "
                    + HEX.formatHex(last.recordHash()), end.longValue("lastRecordId") + " "
                    + end.text("lastRecordHash"));
        }
        in.requireEnd();
        return file;
    }

    /** The lines of one file, read in order. */
    private static final class Reader {
        private final String name;
        private final String[] lines;
        private int at;

        Reader(String name, String[] lines) {
            this.name = name;
            this.lines = lines;
        }

        String peekType() throws ArchiveVerificationException {
            if (at >= lines.length) {
                throw new ArchiveVerificationException(name, -1, "the file ends early, at line " + at,
                        "a batch or end line", "end of file");
            }
            JsonNode type = parse(at).get("type");
            return type == null ? "" : type.asText();
        }

        Fields next(String type) throws ArchiveVerificationException {
            String found = peekType();
            Fields fields = new Fields(name, at + 1, parse(at));
            if (!found.equals(type)) {
                throw fields.fail("unexpected line type", type, found);
            }
            at++;
            return fields;
        }

        void requireEnd() throws ArchiveVerificationException {
            if (at != lines.length) {
                throw new ArchiveVerificationException(name, -1, "lines follow the end line at line " + (at + 1),
                        "end of file", lines.length - at + " more lines");
            }
        }

        private JsonNode parse(int index) throws ArchiveVerificationException {
            try {
                JsonNode node = JSON.readTree(lines[index]);
                if (node == null || !node.isObject()) {
                    throw new ArchiveVerificationException(name, -1, "line " + (index + 1) + " is not a JSON object",
                            "a JSON object", node == null ? "nothing" : node.getNodeType().toString());
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new ArchiveVerificationException(name, -1, "line " + (index + 1) + " is not JSON",
                        "a JSON object", e.getOriginalMessage());
            }
        }
    }

    /** One line's fields, with the line (and record id, once known) for failures. */
    private static final class Fields {
        private final String name;
        private final int line;
        private final JsonNode node;
        private long recordId = -1;

        Fields(String name, int line, JsonNode node) {
            this.name = name;
            this.line = line;
            this.node = node;
        }

        ArchiveVerificationException fail(String what, String expected, String actual) {
            return new ArchiveVerificationException(name, recordId, "line " + line + ": " + what, expected, actual);
        }

        private JsonNode field(String field) throws ArchiveVerificationException {
            JsonNode value = node.get(field);
            if (value == null) {
                throw fail("field " + field + " is missing", "a value", "none");
            }
            return value;
        }

        void requireText(String field, String expected) throws ArchiveVerificationException {
            if (!expected.equals(text(field))) {
                throw fail("field " + field + " is wrong", expected, text(field));
            }
        }

        String text(String field) throws ArchiveVerificationException {
            String value = optionalText(field);
            if (value == null) {
                throw fail("field " + field + " is null", "a string", "null");
            }
            return value;
        }

        String optionalText(String field) throws ArchiveVerificationException {
            JsonNode value = field(field);
            if (value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                throw fail("field " + field + " is not a string", "a string", value.getNodeType().toString());
            }
            return value.asText();
        }

        long longValue(String field) throws ArchiveVerificationException {
            JsonNode value = field(field);
            if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                throw fail("field " + field + " is not an integer", "an integer", value.toString());
            }
            return value.asLong();
        }

        Integer optionalInt(String field) throws ArchiveVerificationException {
            JsonNode value = field(field);
            if (value.isNull()) {
                return null;
            }
            if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                throw fail("field " + field + " is not an integer", "an integer", value.toString());
            }
            return value.asInt();
        }

        int intValue(String field) throws ArchiveVerificationException {
            Integer value = optionalInt(field);
            if (value == null) {
                throw fail("field " + field + " is null", "an integer", "null");
            }
            return value;
        }

        Instant instant(String field) throws ArchiveVerificationException {
            try {
                return Instant.parse(text(field));
            } catch (DateTimeParseException e) {
                throw fail("field " + field + " is not an ISO-8601 instant", "e.g. 2026-03-01T10:00:00Z",
                        text(field));
            }
        }

        byte[] hex(String field) throws ArchiveVerificationException {
            try {
                return HEX.parseHex(text(field));
            } catch (IllegalArgumentException e) {
                throw fail("field " + field + " is not hex", "hex digits", text(field));
            }
        }

        byte[] hash(String field) throws ArchiveVerificationException {
            byte[] value = hex(field);
            if (value.length != 32) {
                throw fail("field " + field + " is not a SHA-256 hash", "32 bytes", value.length + " bytes");
            }
            return value;
        }

        byte[] base64(String field) throws ArchiveVerificationException {
            try {
                return Base64.getDecoder().decode(text(field));
            } catch (IllegalArgumentException e) {
                throw fail("field " + field + " is not base64", "base64", e.getMessage());
            }
        }

        List<String> strings(String field) throws ArchiveVerificationException {
            JsonNode value = field(field);
            if (!value.isArray()) {
                throw fail("field " + field + " is not an array", "an array", value.getNodeType().toString());
            }
            List<String> out = new ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw fail("field " + field + " holds a non-string", "strings", item.toString());
                }
                out.add(item.asText());
            }
            return out;
        }

        TimestampBatch batch() throws ArchiveVerificationException {
            try {
                return new TimestampBatch(longValue("id"), hash("root"), intValue("size"), longValue("firstRecordId"),
                        text("tsaUrl"), base64("token"), instant("stampedAt"), instant("genTime"));
            } catch (IllegalArgumentException e) {
                throw fail("not a valid batch", "a valid batch", e.getMessage());
            }
        }

        ArchivedRecord record() throws ArchiveVerificationException {
            recordId = longValue("id");
            LogRow row = new LogRow(recordId, text("side"), text("kind"), text("queryId"),
                    optionalText("requestId"), text("client"), text("service"), optionalText("method"),
                    optionalText("path"), optionalText("userId"), optionalText("issue"), optionalText("purpose"),
                    strings("subjects"), strings("dataSubjects"), optionalInt("status"), instant("exchangedAt"),
                    instant("storedAt"), optionalText("signature"), hash("bodySha256"), base64("bodySealed"),
                    hash("prevHash"));
            List<byte[]> path = new ArrayList<>();
            for (String h : strings("inclusionPath")) {
                try {
                    path.add(HEX.parseHex(h));
                } catch (IllegalArgumentException e) {
                    throw fail("field inclusionPath holds a non-hex value", "hex digits", h);
                }
            }
            return new ArchivedRecord(row, hash("recordHash"), longValue("batchId"), intValue("leafIndex"), path);
        }
    }
}
