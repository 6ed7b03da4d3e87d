package org.xroadng.auditlog.portal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A citizen's personal code, the data subject identifier of DESIGN.md section 7 (such as
 * {@code EE38001010001}): a two-letter country prefix and 6 to 20 upper-case letters or digits.
 * The check is for plausibility only: it keeps typing errors and injected text out, it does not
 * prove that the person exists.
 */
public record PersonalCode(String value) {

    private static final Pattern FORM = Pattern.compile("[A-Z]{2}[0-9A-Z]{6,20}");

    public PersonalCode {
        Objects.requireNonNull(value, "value");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("personal code '" + shorten(value) + "' is not plausible; expected a"
                    + " two-letter country prefix and 6 to 20 upper-case letters or digits, such as EE38001010001");
        }
    }

    public static PersonalCode parse(String text) {
        return new PersonalCode(text);
    }

    /** Whether {@code text} has the form of a personal code. */
    public static boolean isPlausible(String text) {
        return text != null && FORM.matcher(text).matches();
    }

    private static String shorten(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }

    @Override
    public String toString() {
        return value;
    }
}
