package org.xroadng.registry;

/**
 * The registry refused an operation: bad input, a missing entity, or a conflict with what it holds.
 * The message is for the caller: what was wrong and what was expected. Nothing was changed.
 */
public final class RegistryException extends Exception {

    /** The kind of refusal, which the HTTP edge maps to a status. */
    public enum Kind { BAD_REQUEST, NOT_FOUND, CONFLICT, FORBIDDEN }

    private final Kind kind;
    private final String type;

    public RegistryException(Kind kind, String message) {
        this(kind, null, message);
    }

    /** @param type a more specific error type for the JSON answer, or null for the kind's own */
    public RegistryException(Kind kind, String type, String message) {
        super(message);
        this.kind = kind;
        this.type = type;
    }

    public static RegistryException badRequest(String message) {
        return new RegistryException(Kind.BAD_REQUEST, message);
    }

    public static RegistryException notFound(String message) {
        return new RegistryException(Kind.NOT_FOUND, message);
    }

    public static RegistryException conflict(String message) {
        return new RegistryException(Kind.CONFLICT, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The error type for the JSON answer. */
    public String type() {
        if (type != null) {
            return type;
        }
        return switch (kind) {
            case BAD_REQUEST -> "BadRequest";
            case NOT_FOUND -> "NotFound";
            case CONFLICT -> "Conflict";
            case FORBIDDEN -> "Forbidden";
        };
    }
}
