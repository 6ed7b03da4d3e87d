package org.xroadng.securityserver.message;

import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ExchangeException;

/**
 * The request target of the X-Road Message Protocol for REST:
 * {@code /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE[/path][?query]}, validated strictly.
 *
 * <p>Refused: a target longer than {@value #MAX_LENGTH} characters, anything but printable ASCII,
 * a fragment, malformed percent-escapes or escapes that are not UTF-8, a path segment that is
 * {@code .} or {@code ..} or an empty segment ({@code //}) or contains {@code ;} once decoded, an
 * encoded {@code /}, {@code \} or control character inside a segment, and a query with malformed
 * escapes. What passes is forwarded exactly as it arrived ({@link #rawPath}, {@link #rawQuery}),
 * so what the consumer signed is what the provider receives.
 *
 * @param rawPath  the path after the service code, raw, starting with '/' (or "/" when none)
 * @param path     the same, percent-decoded, for access rights
 * @param rawQuery the raw query without '?', or empty
 */
public record RestPath(ServiceId service, String rawPath, String path, String rawQuery) {

    public static final int MAX_LENGTH = 4096;
    private static final String PREFIX = "/r1/";

    public static RestPath parse(String target) throws ExchangeException {
        if (target.length() > MAX_LENGTH) {
            throw invalid("request target is " + target.length() + " characters long; at most " + MAX_LENGTH
                    + " are allowed");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw invalid("request target contains a character that is not printable ASCII at position " + (i + 1));
            }
            if (c == '#') {
                throw invalid("request target must not contain a fragment ('#')");
            }
        }
        int question = target.indexOf('?');
        String rawPathPart = question < 0 ? target : target.substring(0, question);
        String rawQuery = question < 0 ? "" : target.substring(question + 1);
        if (!rawPathPart.startsWith(PREFIX)) {
            throw invalid("request path must start with /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE");
        }
        String[] segments = rawPathPart.substring(PREFIX.length()).split("/", -1);
        if (segments.length < 5) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER, "request path names "
                    + segments.length + " identifier parts; expected /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE");
        }
        String[] id = new String[5];
        for (int i = 0; i < 5; i++) {
            id[i] = segment(segments[i]);
        }
        ServiceId service;
        try {
            service = new ServiceId(new SubsystemId(new MemberId(id[0], id[1], id[2]), id[3]), id[4]);
        } catch (InvalidIdentifierException e) {
            throw new ExchangeException(ErrorType.CLIENT_INVALID_SERVICE_IDENTIFIER, "service identifier in the path"
                    + " is malformed: " + e.getMessage());
        }
        StringBuilder raw = new StringBuilder();
        StringBuilder decoded = new StringBuilder();
        for (int i = 5; i < segments.length; i++) {
            boolean last = i == segments.length - 1;
            if (segments[i].isEmpty() && !last) {
                throw invalid("request path contains an empty segment ('//')");
            }
            String value = segment(segments[i]);
            raw.append('/').append(segments[i]);
            decoded.append('/').append(value);
        }
        checkQuery(rawQuery);
        return new RestPath(service, raw.length() == 0 ? "/" : raw.toString(),
                decoded.length() == 0 ? "/" : decoded.toString(), rawQuery);
    }

    /** The path and query to send on, for example {@code /person/EE1?x=1}. */
    public String rawPathAndQuery() {
        String p = rawPath.equals("/") ? "" : rawPath;
        return rawQuery.isEmpty() ? p : p + "?" + rawQuery;
    }

    private static String segment(String raw) throws ExchangeException {
        String value;
        try {
            value = PercentDecoding.decode(raw);
        } catch (IllegalArgumentException e) {
            throw invalid("request path is malformed: " + e.getMessage());
        }
        if (value.equals(".") || value.equals("..")) {
            throw invalid("request path must not contain '.' or '..' segments, encoded or not");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\' || c == ';' || c < 0x20 || c == 0x7f) {
                throw invalid("request path segment '" + raw + "' contains a forbidden character once decoded"
                        + " ('/', '\\\\', ';' or a control character)");
            }
        }
        return value;
    }

    private static void checkQuery(String rawQuery) throws ExchangeException {
        try {
            for (String pair : rawQuery.split("&", -1)) {
                PercentDecoding.decode(pair);
            }
        } catch (IllegalArgumentException e) {
            throw invalid("query string is malformed: " + e.getMessage());
        }
    }

    private static ExchangeException invalid(String message) {
        return new ExchangeException(ErrorType.CLIENT_INVALID_URI, message);
    }
}
