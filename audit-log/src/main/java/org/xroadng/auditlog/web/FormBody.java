package org.xroadng.auditlog.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.PercentDecoding;

/**
 * A form as browsers post it ({@code application/x-www-form-urlencoded}, UTF-8; HTML Living Standard,
 * URL-encoded form data). A body of another type, or one that is not well formed, is a 400.
 */
public final class FormBody {

    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    public static FormBody parse(HttpCall call) throws HttpProblem {
        String type = call.header("Content-Type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new HttpProblem(415, "UnsupportedMediaType", "the console takes forms as"
                    + " application/x-www-form-urlencoded; got '" + type + "'");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String body = new String(call.body(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = PercentDecoding.decode((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
                String value = PercentDecoding.decode((eq < 0 ? "" : pair.substring(eq + 1)).replace('+', ' '));
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("the form is malformed: " + e.getMessage());
            }
        }
        return new FormBody(fields);
    }

    /** The field's value, trimmed; empty text when absent. */
    public String get(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0).strip();
    }

    /** The field's value exactly as sent (passwords). */
    public String raw(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    /** Every value of the field (checkboxes sharing a name), trimmed, without empty ones. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of()).stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    public boolean checked(String name) {
        String v = get(name);
        return v.equals("on") || v.equals("true") || v.equals("1");
    }

    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v.isEmpty() ? "" : v.get(0)));
        out.remove("password");
        out.remove("apiKey");
        out.remove("csrf");
        return out;
    }
}
