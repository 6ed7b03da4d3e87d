package org.xroadng.protocol.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * A JSON object request body, checked field by field: a body not declared as JSON is a 415, a key
 * given twice is refused by name, unknown fields are refused with the list of known ones, and every
 * missing or mistyped field is named.
 */
public final class JsonBody {

    private final ObjectNode object;

    private JsonBody(ObjectNode object) {
        this.object = object;
    }

    public static JsonBody parse(HttpCall call, Set<String> fields) throws HttpProblem {
        if (call.body().length > 0) {
            MediaTypes.requireJson(call);
        }
        JsonNode node;
        try {
            node = call.body().length == 0 ? null : ProtocolJson.mapper().readTree(call.body());
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("request body is not valid JSON: " + ProtocolJson.describe(e));
        } catch (java.io.IOException e) {
            throw HttpProblem.badRequest("request body cannot be read as JSON");
        }
        if (!(node instanceof ObjectNode object)) {
            throw HttpProblem.badRequest("request body must be a JSON object with " + describe(fields));
        }
        if (!fields.isEmpty()) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!fields.contains(name)) {
                    throw HttpProblem.badRequest("unknown field '" + name + "'; expected " + describe(fields));
                }
            }
        }
        return new JsonBody(object);
    }

    public String string(String field) throws HttpProblem {
        String value = optionalString(field);
        if (value == null) {
            throw HttpProblem.badRequest("field '" + field + "' is missing");
        }
        return value;
    }

    public String optionalString(String field) throws HttpProblem {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw HttpProblem.badRequest("field '" + field + "' must be a string, not " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    /** Every field as a plain Java value (string, integer, boolean, ...), in order. */
    public Map<String, Object> values() throws HttpProblem {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode v = field.getValue();
            Object plain = v.isInt() ? (Object) v.intValue() : v.isBoolean() ? (Object) v.booleanValue()
                    : v.isTextual() ? v.asText() : v.toString();
            values.put(field.getKey(), plain);
        }
        return values;
    }

    /** An optional whole number; {@code defaultValue} when absent. */
    public int intValue(String field, int defaultValue) throws HttpProblem {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw HttpProblem.badRequest("field '" + field + "' must be a whole number, not " + value);
        }
        return value.intValue();
    }

    /** An optional boolean; {@code defaultValue} when absent. */
    public boolean booleanValue(String field, boolean defaultValue) throws HttpProblem {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw HttpProblem.badRequest("field '" + field + "' must be true or false, not " + value);
        }
        return value.booleanValue();
    }

    /** An optional array of strings; empty when absent. */
    public List<String> strings(String field) throws HttpProblem {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw HttpProblem.badRequest("field '" + field + "' must be an array of strings, not "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw HttpProblem.badRequest("field '" + field + "' must hold only strings, not " + item);
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String describe(Set<String> fields) {
        return fields.isEmpty() ? "fields" : "fields " + String.join(", ", new TreeSet<>(fields));
    }
}
