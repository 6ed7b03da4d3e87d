package org.xroadng.securityserver.conf;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.securityserver.ServerException;

/**
 * Strict parsing of the values an operator gives (admin API, CLI), each refusal naming the field,
 * the value and what is allowed. Identifiers follow DESIGN.md section 3; codes (purposes, local
 * groups) use the identifier character set {@code A-Za-z0-9'()+,-.=?}, 1..255 characters.
 */
public final class ConfValues {

    /** The HTTP methods an access right may name; {@code *} is any. */
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*");
    public static final int MIN_TIMEOUT_SECONDS = 1;
    public static final int MAX_TIMEOUT_SECONDS = 600;
    private static final int MAX_CODE = 255;
    private static final int MAX_PATH = 1000;

    private ConfValues() {
    }

    /** An identifier parsed by {@code parse}; a malformed one is a bad request naming the field. */
    public static <T> T id(String field, String text, Function<String, T> parse) throws ServerException {
        if (text == null) {
            throw ServerException.badRequest("field '" + field + "' is missing");
        }
        try {
            return parse.apply(text);
        } catch (InvalidIdentifierException e) {
            throw ServerException.badRequest(field + ": " + e.getMessage());
        }
    }

    /**
     * An access-right subject: a client {@code INSTANCE/CLASS/MEMBER[/SUBSYSTEM]} (a subsystem, or a
     * member calling without one), {@code global:INSTANCE/GROUP} or {@code local:CODE}.
     */
    public static AccessRight.Subject subject(String text) throws ServerException {
        if (text == null) {
            throw ServerException.badRequest("field 'subject' is missing; expected INSTANCE/CLASS/MEMBER[/SUBSYSTEM],"
                    + " global:INSTANCE/GROUP or local:CODE");
        }
        if (text.startsWith("global:")) {
            return new AccessRight.GlobalGroupSubject(id("subject", text.substring(7), GlobalGroupId::parse));
        }
        if (text.startsWith("local:")) {
            return new AccessRight.LocalGroupSubject(code("subject local group code", text.substring(6)));
        }
        if (text.indexOf(':') >= 0) {
            throw ServerException.badRequest("subject '" + text + "' has an unknown prefix; expected"
                    + " INSTANCE/CLASS/MEMBER[/SUBSYSTEM], global:INSTANCE/GROUP or local:CODE");
        }
        return new AccessRight.SubsystemSubject(id("subject", text, ClientId::parse));
    }

    /** An HTTP method of {@link #METHODS}, upper-cased. */
    public static String method(String text) throws ServerException {
        String method = text == null ? "*" : text.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw ServerException.badRequest("method '" + text + "' is not allowed; expected one of"
                    + " GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or *", "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|*", text);
        }
        return method;
    }

    /** A path glob: starts with '/', printable ASCII without '?', '#', '%' or spaces, no '.' or '..' segments. */
    public static String pathGlob(String text) throws ServerException {
        String path = text == null ? "/**" : text;
        if (!path.startsWith("/") || path.length() > MAX_PATH) {
            throw ServerException.badRequest("path '" + path + "' must start with '/' and be at most " + MAX_PATH
                    + " characters, e.g. /person/* or /**", "/...", path);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '%') {
                throw ServerException.badRequest("path '" + path + "' contains the character "
                        + (c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c)) + " at position "
                        + (i + 1) + "; expected a path of segments, '*' (one segment) or '**' (any)");
            }
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw ServerException.badRequest("path '" + path + "' contains a '" + segment + "' segment; paths are"
                        + " matched after normalisation, so such a pattern never matches");
            }
        }
        return path;
    }

    /** A code (purpose, local group): 1..255 characters of {@code A-Za-z0-9'()+,-.=?}. */
    public static String code(String field, String text) throws ServerException {
        if (text == null || text.isEmpty()) {
            throw ServerException.badRequest(field + " is empty; expected 1.." + MAX_CODE
                    + " characters of A-Z a-z 0-9 ' ( ) + , - . = ?");
        }
        if (text.length() > MAX_CODE) {
            throw ServerException.badRequest(field + " is " + text.length() + " characters long; at most " + MAX_CODE
                    + " are allowed");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "'()+,-.=?".indexOf(c) >= 0;
            if (!allowed) {
                throw ServerException.badRequest(field + " '" + text + "' contains the character "
                        + (c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c)) + " at position "
                        + (i + 1) + "; only A-Z a-z 0-9 ' ( ) + , - . = ? are allowed");
            }
        }
        return text;
    }

    /** An absolute http or https URL with a host and without query or fragment. */
    public static URI url(String text) throws ServerException {
        if (text == null) {
            throw ServerException.badRequest("field 'url' is missing; expected the provider IS URL, e.g. http://127.0.0.1:9000/api");
        }
        try {
            URI uri = new URI(text);
            if (uri.getScheme() != null && (uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && uri.getRawUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw ServerException.badRequest("url '" + text + "' is not an absolute http(s) URL with a host, without"
                + " user information, query or fragment, e.g. http://127.0.0.1:9000/api", "http(s)://host[:port][/path]", text);
    }

    /** A service timeout in seconds, 1..600. */
    public static int timeoutSeconds(int seconds) throws ServerException {
        if (seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) {
            throw ServerException.badRequest("timeoutSeconds is " + seconds + "; expected " + MIN_TIMEOUT_SECONDS + ".."
                    + MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS + ".." + MAX_TIMEOUT_SECONDS, Integer.toString(seconds));
        }
        return seconds;
    }
}
