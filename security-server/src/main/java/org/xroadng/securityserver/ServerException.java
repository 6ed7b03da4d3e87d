package org.xroadng.securityserver;

/**
 * The security server refused an operation on its own configuration or keys: bad input, a missing
 * entity, or a conflict with what it holds. The message is written for the operator and says what
 * was given and what was expected; {@link #expected()} and {@link #actual()} carry the two when
 * they are known. Nothing was changed.
 */
public final class ServerException extends Exception {

    /**
     * The kind of refusal, which the admin API maps to an HTTP status. {@code UPSTREAM}: a service
     * the server relies on for the operation (the CA's ACME server) refused or failed.
     */
    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, UPSTREAM }

    private final Kind kind;
    private final String expected;
    private final String actual;

    public ServerException(Kind kind, String message, String expected, String actual) {
        super(message);
        this.kind = kind;
        this.expected = expected;
        this.actual = actual;
    }

    public static ServerException badRequest(String message) {
        return new ServerException(Kind.BAD_REQUEST, message, null, null);
    }

    public static ServerException badRequest(String message, String expected, String actual) {
        return new ServerException(Kind.BAD_REQUEST, message, expected, actual);
    }

    public static ServerException notFound(String message) {
        return new ServerException(Kind.NOT_FOUND, message, null, null);
    }

    public static ServerException conflict(String message) {
        return new ServerException(Kind.CONFLICT, message, null, null);
    }

    public static ServerException upstream(String message) {
        return new ServerException(Kind.UPSTREAM, message, null, null);
    }

    public Kind kind() {
        return kind;
    }

    /** What was expected, or null when the message says it all. */
    public String expected() {
        return expected;
    }

    /** What was given, or null when the message says it all. */
    public String actual() {
        return actual;
    }
}
