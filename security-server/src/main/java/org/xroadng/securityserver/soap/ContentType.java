package org.xroadng.securityserver.soap;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed {@code Content-Type} value (RFC 9110 section 8.3.1, RFC 2045 section 5.1): the
 * lower-cased {@code type/subtype} and its parameters, names lower-cased, values unquoted.
 */
record ContentType(String essence, Map<String, String> parameters) {

    ContentType {
        parameters = Map.copyOf(parameters);
    }

    /** Parses {@code value}; a malformed parameter list is refused. */
    static ContentType parse(String value) throws IllegalArgumentException {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no Content-Type");
        }
        int semicolon = value.indexOf(';');
        String essence = (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (essence.indexOf('/') <= 0 || essence.indexOf('/') == essence.length() - 1) {
            throw new IllegalArgumentException("'" + essence + "' is not a media type");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int i = semicolon < 0 ? value.length() : semicolon + 1;
        while (i < value.length()) {
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ';')) {
                i++;
            }
            if (i >= value.length()) {
                break;
            }
            int equals = value.indexOf('=', i);
            if (equals < 0) {
                throw new IllegalArgumentException("parameter '" + value.substring(i).trim() + "' has no value");
            }
            String name = value.substring(i, equals).trim().toLowerCase(Locale.ROOT);
            i = equals + 1;
            StringBuilder text = new StringBuilder();
            if (i < value.length() && value.charAt(i) == '"') {
                i++;
                while (i < value.length() && value.charAt(i) != '"') {
                    char c = value.charAt(i++);
                    if (c == '\\' && i < value.length()) {
                        c = value.charAt(i++);
                    }
                    text.append(c);
                }
                if (i >= value.length()) {
                    throw new IllegalArgumentException("parameter " + name + " has an unterminated quoted value");
                }
                i++;
            } else {
                while (i < value.length() && value.charAt(i) != ';') {
                    text.append(value.charAt(i++));
                }
            }
            parameters.put(name, text.toString().trim());
        }
        return new ContentType(essence, parameters);
    }

    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }
}
