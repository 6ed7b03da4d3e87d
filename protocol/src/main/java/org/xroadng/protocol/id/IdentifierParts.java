package org.xroadng.protocol.id;

import java.util.List;

/** Validation and splitting shared by the identifier types (DESIGN.md section 3). */
final class IdentifierParts {

    /** Longest allowed part, in characters. */
    static final int MAX_LENGTH = 255;

    private IdentifierParts() {
    }

    /**
     * Returns {@code value} when it is 1..255 characters of {@code A-Za-z0-9'()+,-.=?}; otherwise
     * throws with a message naming the part, the value and the allowed characters.
     */
    static String require(String partName, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidIdentifierException(partName + " is empty; expected 1.." + MAX_LENGTH
                    + " characters of A-Z a-z 0-9 ' ( ) + , - . = ?");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidIdentifierException(partName + " is " + value.length()
                    + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!allowed(c)) {
                throw new InvalidIdentifierException(partName + " '" + printable(value)
                        + "' contains the character " + describe(c) + " at position " + (i + 1)
                        + "; only A-Z a-z 0-9 ' ( ) + , - . = ? are allowed");
            }
        }
        return value;
    }

    static boolean allowed(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || "'()+,-.=?".indexOf(c) >= 0;
    }

    /** Splits on '/', requiring exactly {@code count} parts, each then validated by the caller. */
    static List<String> split(String kind, String form, String text, int count) {
        if (text == null) {
            throw new InvalidIdentifierException(kind + " identifier is missing; expected " + form);
        }
        String[] parts = text.split("/", -1);
        if (parts.length != count) {
            throw new InvalidIdentifierException(kind + " identifier '" + printable(text) + "' has "
                    + parts.length + " part" + (parts.length == 1 ? "" : "s") + "; expected " + form);
        }
        return List.of(parts);
    }

    private static String describe(char c) {
        if (c >= 0x21 && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }

    /** Shortens and neutralises a value for an error message (no control characters, bounded). */
    static String printable(String value) {
        StringBuilder out = new StringBuilder();
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c != 0x7f ? c : '?');
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.toString();
    }
}
