package org.xroadng.securityserver;

import java.util.Objects;
import org.xroadng.protocol.error.ErrorType;

/**
 * An exchange failed for a reason the protocol names: the {@link ErrorType} goes in the error
 * body's {@code type} and in {@code X-Road-Error}; the message tells the information system what
 * was wrong and what was expected. Never carries internal details such as stack traces.
 */
public final class ExchangeException extends Exception {

    private final ErrorType type;

    public ExchangeException(ErrorType type, String message) {
        super(message);
        this.type = Objects.requireNonNull(type, "type");
    }

    public ExchangeException(ErrorType type, String message, Throwable cause) {
        super(message, cause);
        this.type = Objects.requireNonNull(type, "type");
    }

    public ErrorType type() {
        return type;
    }
}
