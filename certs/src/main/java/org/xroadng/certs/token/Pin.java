package org.xroadng.certs.token;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A token PIN. A secret: no {@code toString} content, constant-time {@code equals}, and
 * {@link #clear()} overwrites it once it is no longer needed.
 */
public final class Pin {

    /** Shortest PIN a token accepts. */
    public static final int MIN_LENGTH = 4;

    private final char[] chars;

    private Pin(char[] chars) {
        this.chars = chars;
    }

    /** A PIN of at least {@value #MIN_LENGTH} characters; the array is copied. */
    public static Pin of(char[] chars) {
        if (chars == null || chars.length < MIN_LENGTH) {
            throw new IllegalArgumentException("PIN is too short; expected at least " + MIN_LENGTH + " characters");
        }
        return new Pin(chars.clone());
    }

    public static Pin of(String text) {
        return of(text == null ? null : text.toCharArray());
    }

    /** A copy of the characters, for the JCA calls that take a password. */
    char[] chars() {
        return chars.clone();
    }

    public void clear() {
        Arrays.fill(chars, '\0');
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Pin pin)) {
            return false;
        }
        byte[] a = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars)).array();
        byte[] b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pin.chars)).array();
        return MessageDigest.isEqual(a, b);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "Pin[****]";
    }
}
