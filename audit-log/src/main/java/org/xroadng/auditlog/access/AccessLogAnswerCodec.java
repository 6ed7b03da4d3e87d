package org.xroadng.auditlog.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The JSON form of an {@link AccessLogAnswer}, the body of an {@code accessLog} response
 * ({@code application/json}):
 * <pre>{@code
 * {"server": "DEMO/GOV/1001/ss2", "subject": "EE38001010001",
 *  "checkpoint": "<compact JWS>" | null, "checkpointTimestamp": "<base64 DER>" | null,
 *  "checkpointNote": "<C2SP signed note with cosignatures>" (optional),
 *  "events": [{"index": 12, "event": {...access event...}, "proof": ["<base64url>", ...] | null,
 *              "reveal": {"salt": "<base64url>", "event": {...whole event...}} (optional, a disclosed stub)}]}
 * }</pre>
 * The reader is strict about the envelope (members, types, hash encodings) and keeps each event
 * object exactly as sent, so that a changed event fails its proof rather than being "repaired".
 */
public final class AccessLogAnswerCodec {

    /** A peer's answer: a key given twice is refused, as everywhere untrusted JSON is read (see ProtocolJson). */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> FIELDS = Set.of("server", "subject", "checkpoint", "checkpointTimestamp", "events");
    private static final Set<String> ENTRY_FIELDS = Set.of("index", "event", "proof");
    private static final TypeReference<LinkedHashMap<String, Object>> EVENT = new TypeReference<>() {
    };

    private AccessLogAnswerCodec() {
    }

    public static byte[] write(AccessLogAnswer answer) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("server", answer.server().format());
        json.put("subject", answer.subject());
        json.put("checkpoint", answer.checkpoint());
        json.put("checkpointTimestamp", answer.checkpointTimestamp());
        if (answer.checkpointNote() != null) {
            json.put("checkpointNote", answer.checkpointNote());
        }
        List<Object> events = new ArrayList<>(answer.events().size());
        for (AccessLogAnswer.Entry entry : answer.events()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", entry.index());
            e.put("event", entry.event());
            e.put("proof", entry.proof());
            if (entry.reveal() != null) {
                e.put("reveal", Map.of("salt", entry.reveal().salt(), "event", entry.reveal().event()));
            }
            events.add(e);
        }
        json.put("events", events);
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the answer cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static AccessLogAnswer read(byte[] body) throws AccessLogFormatException {
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AccessLogFormatException("access log answer: expected JSON; actual " + ProtocolJson.describe(e), e);
        } catch (IOException e) {
            throw new AccessLogFormatException("access log answer cannot be read: " + e.getMessage(), e);
        }
        requireObject(json, "access log answer", FIELDS, Set.of("checkpointNote"));
        SecurityServerId server;
        try {
            server = SecurityServerId.parse(text(json, "server", "access log answer", false));
        } catch (InvalidIdentifierException e) {
            throw new AccessLogFormatException("access log answer: server: " + e.getMessage(), e);
        }
        String subject = text(json, "subject", "access log answer", false);
        String checkpoint = text(json, "checkpoint", "access log answer", true);
        String timestamp = text(json, "checkpointTimestamp", "access log answer", true);
        if ((checkpoint == null) != (timestamp == null)) {
            throw new AccessLogFormatException("access log answer: expected 'checkpoint' and 'checkpointTimestamp'"
                    + " both present or both null");
        }
        JsonNode events = json.get("events");
        if (!events.isArray()) {
            throw new AccessLogFormatException("access log answer: expected 'events' as an array");
        }
        List<AccessLogAnswer.Entry> entries = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            entries.add(entry(events.get(i), "access log answer: events[" + i + "]"));
        }
        String note = json.has("checkpointNote") ? text(json, "checkpointNote", "access log answer", false) : null;
        if (note != null && checkpoint == null) {
            throw new AccessLogFormatException("access log answer: expected no 'checkpointNote' without a 'checkpoint'");
        }
        return new AccessLogAnswer(server, subject, checkpoint, timestamp, entries, note);
    }

    private static AccessLogAnswer.Entry entry(JsonNode json, String what) throws AccessLogFormatException {
        requireObject(json, what, ENTRY_FIELDS, Set.of("reveal"));
        JsonNode index = json.get("index");
        if (!index.isIntegralNumber() || !index.canConvertToLong() || index.asLong() < 0) {
            throw new AccessLogFormatException(what + ": expected 'index' as a whole number, 0 or more; actual " + index);
        }
        JsonNode event = json.get("event");
        if (!event.isObject()) {
            throw new AccessLogFormatException(what + ": expected 'event' as a JSON object");
        }
        Map<String, Object> eventValue = MAPPER.convertValue(event, EVENT);
        JsonNode proof = json.get("proof");
        List<String> path = null;
        if (!proof.isNull()) {
            if (!proof.isArray()) {
                throw new AccessLogFormatException(what + ": expected 'proof' as an array of base64url hashes or null");
            }
            path = new ArrayList<>(proof.size());
            for (int i = 0; i < proof.size(); i++) {
                JsonNode hash = proof.get(i);
                String name = what + ": proof[" + i + "]";
                if (!hash.isTextual()) {
                    throw new AccessLogFormatException(name + ": expected a base64url hash");
                }
                try {
                    Checkpoint.decodeHash(hash.asText(), name);
                } catch (IllegalArgumentException e) {
                    throw new AccessLogFormatException(e.getMessage(), e);
                }
                path.add(hash.asText());
            }
        }
        AccessLogAnswer.Reveal reveal = null;
        if (json.has("reveal")) {
            JsonNode revealed = json.get("reveal");
            requireObject(revealed, what + ": reveal", Set.of("salt", "event"));
            if (!revealed.get("event").isObject()) {
                throw new AccessLogFormatException(what + ": reveal: expected 'event' as a JSON object");
            }
            reveal = new AccessLogAnswer.Reveal(text(revealed, "salt", what + ": reveal", false),
                    MAPPER.convertValue(revealed.get("event"), EVENT));
        }
        return new AccessLogAnswer.Entry(index.asLong(), eventValue, path, reveal);
    }

    private static void requireObject(JsonNode json, String what, Set<String> fields) throws AccessLogFormatException {
        requireObject(json, what, fields, Set.of());
    }

    private static void requireObject(JsonNode json, String what, Set<String> fields, Set<String> optional)
            throws AccessLogFormatException {
        if (json == null || !json.isObject()) {
            throw new AccessLogFormatException(what + ": expected a JSON object with members "
                    + fields.stream().sorted().toList());
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name) && !optional.contains(name)) {
                throw new AccessLogFormatException(what + ": unknown member '" + name + "'; expected only "
                        + fields.stream().sorted().toList() + (optional.isEmpty() ? "" : " and optionally "
                        + optional.stream().sorted().toList()));
            }
        }
        for (String field : fields) {
            if (!json.has(field)) {
                throw new AccessLogFormatException(what + ": member '" + field + "' is missing");
            }
        }
    }

    private static String text(JsonNode json, String field, String what, boolean nullable)
            throws AccessLogFormatException {
        JsonNode value = json.get(field);
        if (value.isNull() && nullable) {
            return null;
        }
        if (!value.isTextual()) {
            throw new AccessLogFormatException(what + ": expected '" + field + "' as a string"
                    + (nullable ? " or null" : "") + "; actual " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }
}
