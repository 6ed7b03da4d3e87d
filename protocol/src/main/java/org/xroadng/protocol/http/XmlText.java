package org.xroadng.protocol.http;

/** Character data for XML 1.0 documents the servers write (error bodies, metadata answers). */
public final class XmlText {

    private XmlText() {
    }

    /**
     * Appends {@code text} escaped as element content or an attribute value: markup characters as
     * entities, and every character XML 1.0 cannot carry (section 2.2: {@code Char ::= #x9 | #xA |
     * #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]}) replaced by {@code ?}.
     */
    public static StringBuilder append(StringBuilder xml, String text) {
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> xml.append("&lt;");
                case '>' -> xml.append("&gt;");
                case '&' -> xml.append("&amp;");
                case '"' -> xml.append("&quot;");
                case '\'' -> xml.append("&apos;");
                default -> {
                    boolean allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
                            || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
                    xml.appendCodePoint(allowed ? c : '?');
                }
            }
        });
        return xml;
    }
}
