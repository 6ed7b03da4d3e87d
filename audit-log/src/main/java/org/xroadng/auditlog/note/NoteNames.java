package org.xroadng.auditlog.note;

/** The rule every key name follows (C2SP signed-note, "Format"). */
final class NoteNames {

    private NoteNames() {
    }

    /**
     * Refuses an empty name, or one holding a Unicode space, a plus (U+002B) or an ASCII control
     * character: such a name could not be told apart from the rest of a signature line or a key.
     */
    static String require(String name, String what) throws NoteFormatException {
        if (name == null || name.isEmpty()) {
            throw new NoteFormatException(what + ": expected a non-empty key name; actual an empty one");
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || cp < 0x20 || cp == 0x7f || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                throw new NoteFormatException(what + ": expected a key name without spaces, '+' or control"
                        + " characters; actual '" + printable(name) + "' with U+" + String.format("%04X", cp));
            }
            i += Character.charCount(cp);
        }
        return name;
    }

    static String printable(String text) {
        String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
