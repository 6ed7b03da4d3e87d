package org.xroadng.auditlog.access;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JSON Canonicalization Scheme (RFC 8785) for the values access events are made of: objects
 * ({@link Map} with {@link String} keys), arrays ({@link List}), strings, integers
 * ({@link Integer}, {@link Long}), booleans and {@code null}.
 *
 * <p>Guarantees: the same value always gives the same bytes, and those bytes are what any RFC 8785
 * implementation gives for the same JSON value. Object members are sorted by their names as
 * arrays of UTF-16 code units (RFC 8785 section 3.2.3, which is what {@link String#compareTo}
 * does); there is no whitespace (section 3.2.1); strings are escaped as section 3.2.2.2 says
 * ({@code \"}, {@code \\}, {@code \b \t \n \f \r}, other characters below U+0020 as lower-case
 * {@code \}{@code u00xx}, everything else, non-ASCII included, as literal UTF-8); integers are
 * plain decimals (section 3.2.2.3 for integers of magnitude below 2^53). Values outside I-JSON
 * (RFC 7493) are refused with {@link IllegalArgumentException} rather than written in a form
 * another implementation would not reproduce: lone surrogates, integers of magnitude 2^53 or more,
 * non-integer numbers, and any other type.
 */
public final class CanonicalJson {

    /** The largest integer every I-JSON reader holds exactly (2^53 - 1, RFC 7493 section 2.2). */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private CanonicalJson() {
    }

    /** The canonical JSON text of {@code value}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(512);
        write(value, out);
        return out.toString();
    }

    /** The canonical JSON of {@code value} as UTF-8 bytes, the form that is hashed. */
    public static byte[] bytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Appends the canonical JSON text of {@code value} to {@code out}. */
    static void write(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            writeString(text, out);
        } else if (value instanceof Boolean bool) {
            out.append(bool.booleanValue());
        } else if (value instanceof Integer || value instanceof Long) {
            long number = ((Number) value).longValue();
            if (number > MAX_SAFE_INTEGER || number < -MAX_SAFE_INTEGER) {
                throw new IllegalArgumentException("integer " + number + " is outside +-(2^53 - 1), which I-JSON"
                        + " (RFC 7493 section 2.2) allows");
            }
            out.append(number);
        } else if (value instanceof Map<?, ?> map) {
            writeObject(map, out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(list.get(i), out);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                    + " as canonical JSON; allowed: Map, List, String, Integer, Long, Boolean, null");
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder out) {
        List<String> names = new ArrayList<>(map.size());
        for (Object key : map.keySet()) {
            if (!(key instanceof String name)) {
                throw new IllegalArgumentException("object member name " + key + " is not a string");
            }
            names.add(name);
        }
        names.sort(String::compareTo);
        out.append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            writeString(names.get(i), out);
            out.append(':');
            write(map.get(names.get(i)), out);
        }
        out.append('}');
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        int plain = 0;
        while (plain < text.length() && !needsCare(text.charAt(plain))) {
            plain++;
        }
        // Most strings (identifiers, codes, times) need no escape at all: appended in one piece.
        out.append(text, 0, plain);
        for (int i = plain; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                    } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("string has a lone surrogate U+"
                                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i
                                + "; I-JSON (RFC 7493 section 2.1) allows only well-formed Unicode");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether {@code c} is escaped or checked (a control character, a quote, a backslash, a surrogate). */
    private static boolean needsCare(char c) {
        return c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c);
    }
}
