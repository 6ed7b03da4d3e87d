package org.xroadng.auditlog.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8785 known answers (section 3.2.3 examples) and the I-JSON limits. */
class CanonicalJsonTest {

    @Test
    void rfc8785SortingExample_membersSortedByUtf16CodeUnits() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("\u20ac", "Euro Sign");
        input.put("\r", "Carriage Return");
        input.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
        input.put("1", "One");
        input.put("\ud83d\ude00", "Emoji: Grinning Face");
        input.put("\u0080", "Control");
        input.put("\u00f6", "Latin Small Letter O With Diaeresis");

        assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
                CanonicalJson.write(input));
    }

    @Test
    void rfc8785StringAndLiteralsExample_escapedAsSpecified() {
        Map<String, Object> input = new LinkedHashMap<>();
        // the RFC's JSON string, with its escapes for LF, 'B', '"' and '\\' written as Java escapes
        input.put("string", "\u20ac$\u000F\nA'B\"\\\\\"/");
        input.put("literals", Arrays.asList(null, true, false));

        assertEquals("{\"literals\":[null,true,false],\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
                CanonicalJson.write(input));
    }

    @Test
    void nonAsciiString_writtenAsLiteralUtf8() {
        byte[] bytes = CanonicalJson.bytes("\u00f6\u20ac\ud83d\ude00");

        assertArrayEquals(new byte[] {'"', (byte) 0xc3, (byte) 0xb6, (byte) 0xe2, (byte) 0x82, (byte) 0xac,
                (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80, '"'}, bytes);
    }

    @Test
    void everyControlCharacter_escapedShortOrLowerCaseHex() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f');

        assertEquals("\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
                + "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
                + "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\u007f\"", CanonicalJson.write(all.toString()));
    }

    @Test
    void nestedValues_noWhitespaceAndIntegersPlain() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", List.of());
        inner.put("a", Map.of());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("z", List.of(0, -7, CanonicalJson.MAX_SAFE_INTEGER));
        input.put("y", inner);

        assertEquals("{\"y\":{\"a\":{},\"b\":[]},\"z\":[0,-7,9007199254740991]}", CanonicalJson.write(input));
        assertEquals("\"a b\"", new String(CanonicalJson.bytes("a b"), StandardCharsets.UTF_8));
    }

    @Test
    void loneSurrogate_refused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write("x\ud83d"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write("\ude00x"));
    }

    @Test
    void integerBeyondTwoToThe53_refused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(1L << 53));
    }

    @Test
    void nonIntegerNumber_refused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.write(1.5));
    }

    @Test
    void escapesAfterAPlainStart_areWrittenInPlace() {
        assertEquals("\"EE38001010001 \\\"tax\\\" \\n\u20ac x\\\\y\"", CanonicalJson.write("EE38001010001 \"tax\" \n\u20ac x\\y"));
        assertEquals("\"\ud83d\ude00 ok\"", CanonicalJson.write("\ud83d\ude00 ok"));
    }
}
