package org.xroadng.protocol.http;

import java.util.Locale;
import java.util.Optional;

/**
 * Checks of a request's {@code Content-Type} (RFC 9110 section 8.3): the media type is compared by
 * its type/subtype only, case-insensitively, ignoring parameters such as {@code charset}. A body
 * whose type is missing or different is refused with a 415 that says what was given and what is
 * expected, so a client that sends JSON as {@code text/plain} learns it before anything is read.
 */
public final class MediaTypes {

    public static final String JSON = "application/json";

    private MediaTypes() {
    }

    /** The lower-cased type/subtype of the request's Content-Type, without parameters. */
    public static Optional<String> of(HttpCall call) {
        return call.header("Content-Type").map(MediaTypes::essence);
    }

    /** The lower-cased type/subtype of a Content-Type value, without parameters. */
    public static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    /** {@code application/json} or a structured {@code application/...+json} type (RFC 6839 section 3.1). */
    public static boolean isJson(String essence) {
        return essence.equals(JSON) || essence.startsWith("application/") && essence.endsWith("+json")
                && essence.length() > "application/+json".length() && essence.indexOf('/') == essence.lastIndexOf('/');
    }

    /** Refuses the call with a 415 unless its body is declared as JSON. */
    public static void requireJson(HttpCall call) throws HttpProblem {
        Optional<String> given = of(call);
        if (given.isEmpty() || !isJson(given.get())) {
            throw unsupported(call, JSON);
        }
    }

    /** Refuses the call with a 415 unless its body is declared as {@code expected}; {@code why} cites the rule. */
    public static void require(HttpCall call, String expected, String why) throws HttpProblem {
        Optional<String> given = of(call);
        if (given.isEmpty() || !given.get().equals(expected)) {
            throw unsupported(call, expected + " (" + why + ")");
        }
    }

    /** The 415 answer for a call whose Content-Type is not {@code expected}. */
    public static HttpProblem unsupported(HttpCall call, String expected) {
        Optional<String> given = call.header("Content-Type");
        String what = given.map(t -> "the request body is declared as '" + printable(t) + "'")
                .orElse("the request body has no Content-Type");
        return new HttpProblem(415, "UnsupportedMediaType", what + "; expected " + expected);
    }

    private static String printable(String value) {
        String shown = value.length() > 100 ? value.substring(0, 100) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
