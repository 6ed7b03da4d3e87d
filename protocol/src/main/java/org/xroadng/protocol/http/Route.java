package org.xroadng.protocol.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A method and a path template: literal segments, {@code {name}} for one segment, and a final
 * {@code {name...}} for the rest of the path, raw and not empty. Other segments are matched on the raw
 * path and percent-decoded one by one, so an encoded {@code /} inside a parameter stays inside it.
 */
record Route(String method, String template, List<String> segments, HttpEndpoint endpoint) {

    static Route of(String method, String template, HttpEndpoint endpoint) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("route template must start with '/': " + template);
        }
        return new Route(method, template, splitPath(template), endpoint);
    }

    /** The captured parameters when the raw path matches, already decoded. */
    Optional<Map<String, String>> match(String rawPath) {
        List<String> actual = splitPath(rawPath);
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String expected = segments.get(i);
            if (expected.startsWith("{") && expected.endsWith("...}")) {
                if (i >= actual.size() || actual.get(i).isEmpty()) {
                    return Optional.empty();
                }
                String rest = String.join("/", actual.subList(i, actual.size()));
                params.put(expected.substring(1, expected.length() - 4), rest);
                return Optional.of(params);
            }
            if (i >= actual.size()) {
                return Optional.empty();
            }
            String segment = PercentDecoding.decode(actual.get(i));
            if (expected.startsWith("{") && expected.endsWith("}")) {
                if (segment.isEmpty()) {
                    return Optional.empty();
                }
                params.put(expected.substring(1, expected.length() - 1), segment);
            } else if (!expected.equals(segment)) {
                return Optional.empty();
            }
        }
        return actual.size() == segments.size() ? Optional.of(params) : Optional.empty();
    }

    private static List<String> splitPath(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/", -1)) {
            parts.add(part);
        }
        // "/a/b" -> ["", "a", "b"]: drop the leading empty segment; keep a trailing one ("/a/" != "/a").
        return parts.subList(1, parts.size());
    }
}
