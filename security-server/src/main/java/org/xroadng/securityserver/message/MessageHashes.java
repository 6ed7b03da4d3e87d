package org.xroadng.securityserver.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xroadng.protocol.crypto.Digests;

/**
 * The digests inside signed message summaries: SHA-256, base64url without padding. Headers are
 * hashed in a canonical form so both servers compute the same value from what they each hold:
 * one line {@code name:value\n} per header value, names lower-cased, lines sorted by name with the
 * values of one name in their original order.
 */
public final class MessageHashes {

    private MessageHashes() {
    }

    public static String sha256(byte[] data) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest().digest(data));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The canonical hash of headers given as (name, value) pairs in their received order. */
    public static String headers(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            sorted.add(Map.entry(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        }
        sorted.sort(Comparator.comparing(Map.Entry::getKey));
        MessageDigest digest = digest();
        for (Map.Entry<String, String> header : sorted) {
            // the UTF-8 of "name:value\n", piece by piece
            digest.update(header.getKey().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) ':');
            digest.update(header.getValue().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
    }

    private static MessageDigest digest() {
        return Digests.sha256();
    }
}
