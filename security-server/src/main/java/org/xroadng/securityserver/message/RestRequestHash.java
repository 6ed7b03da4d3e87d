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
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The {@code X-Road-Request-Hash} an information system receives with its answer (X-Road Message
 * Protocol for REST, section 4.3): standard base64 (with padding) of
 * {@code SHA-512(SHA-512(headers) || SHA-512(body))}, or of {@code SHA-512(headers)} when the
 * request has no body. The protocol leaves "headers" to the implementation; here it is the request
 * head as the IS sent it, in a canonical form the IS can compute from what it sent:
 *
 * <pre>
 * METHOD SP request-target LF          (for example "GET /r1/DEMO/GOV/1001/population/person/EE1?x=1")
 * name ":" value LF                    (one line per header field)
 * </pre>
 *
 * with every header field except the transport headers of {@link HeaderFilter#withoutTransport}
 * ({@code Host}, {@code User-Agent}, {@code Content-Length}, hop-by-hop headers, ...), the
 * {@code X-Road-*} ones included; names lower-cased; lines sorted by name, the values of one name
 * in the order sent; octets as received (the head is ASCII; any other octet counts as itself).
 *
 * <p>Between our servers the answer stays bound to the request by the provider's signature over
 * the hash of the consumer's signature ({@link ResponseDigest#requestHash()}); this value is
 * derived from the same request the consumer signed, once that binding has been verified.
 */
public final class RestRequestHash {

    private RestRequestHash() {
    }

    public static String of(IncomingRequest request) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (Map.Entry<String, String> header : HeaderFilter.withoutTransport(request.headers())) {
            fields.add(Map.entry(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
        }
        fields.sort(Comparator.comparing(Map.Entry::getKey)); // stable: one name's values keep their order
        StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target()).append('\n');
        for (Map.Entry<String, String> field : fields) {
            head.append(field.getKey()).append(':').append(field.getValue()).append('\n');
        }
        byte[] headHash = sha512().digest(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (request.body().length == 0) {
            return Base64.getEncoder().encodeToString(headHash);
        }
        MessageDigest outer = sha512();
        outer.update(headHash);
        outer.update(sha512().digest(request.body()));
        return Base64.getEncoder().encodeToString(outer.digest());
    }

    private static MessageDigest sha512() {
        return Digests.sha512();
    }
}
