package org.xroadng.cli;

/**
 * A failure to be shown to the user as one line, {@code error: <message>}, with exit code 1. The
 * message says what was wrong and what was expected.
 */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
