package org.xroadng.registry.management;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.registry.management.ManagementRequestException.Reason;

/**
 * Strict reading of the JSON payloads of management requests: exactly one JSON object, no
 * duplicate member names (RFC 8259 section 4 leaves their meaning open, and a signed document must
 * have one meaning), every field of the request record present as a string and no other field.
 * Values are then parsed by {@link ProtocolJson}, which validates identifiers and times.
 */
final class RequestPayloads {

    private static final ObjectReader READER = ProtocolJson.mapper().reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestPayloads() {
    }

    /** The payload as a JSON object; {@code what} names it in messages. */
    static JsonNode object(byte[] payload, String what) throws ManagementRequestException {
        JsonNode node;
        try {
            node = READER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw malformed(what + ": expected one JSON object; actual " + ProtocolJson.describe(e), e);
        } catch (IOException e) {
            throw malformed(what + ": expected one JSON object; actual unreadable bytes", e);
        }
        if (node == null || !node.isObject()) {
            throw malformed(what + ": expected one JSON object; actual "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return node;
    }

    /** The object's {@code type} field; it must be a string. */
    static String type(JsonNode object, String what) throws ManagementRequestException {
        JsonNode type = object.get("type");
        if (type == null || !type.isTextual()) {
            throw malformed(what + ": expected a string field 'type'; actual "
                    + (type == null ? "none" : type.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return type.asText();
    }

    /**
     * Binds the object to the request record {@code type}: each of the record's components must be
     * present as a JSON string, and nothing else may be.
     */
    static <T extends Record> T bind(JsonNode object, Class<T> type, String what) throws ManagementRequestException {
        List<String> fields = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw malformed(what + ": expected only the fields " + fields + "; actual also " + unknown);
        }
        for (String field : fields) {
            JsonNode value = object.get(field);
            if (value == null || !value.isTextual()) {
                throw malformed(what + ": expected field '" + field + "' as a string; actual "
                        + (value == null ? "missing" : value.getNodeType().toString().toLowerCase(Locale.ROOT)));
            }
        }
        try {
            return READER.treeToValue(object, type);
        } catch (JsonMappingException e) {
            throw malformed(what + ": field '" + path(e) + "' is invalid: " + rootMessage(e), e);
        } catch (JsonProcessingException e) {
            throw malformed(what + ": " + ProtocolJson.describe(e), e);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .filter(name -> name != null).collect(Collectors.joining("."));
    }

    /** A record constructor's refusal is wrapped by Jackson; its own message is the useful one. */
    private static String rootMessage(JsonMappingException e) {
        Throwable cause = e.getCause();
        return cause instanceof IllegalArgumentException || cause instanceof NullPointerException
                ? cause.getMessage() : ProtocolJson.describe(e);
    }

    private static ManagementRequestException malformed(String message, Throwable cause) {
        return new ManagementRequestException(Reason.MALFORMED, message, cause);
    }

    private static ManagementRequestException malformed(String message) {
        return new ManagementRequestException(Reason.MALFORMED, message);
    }
}
