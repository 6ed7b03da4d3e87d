package org.xroadng.protocol.error;

import java.util.Objects;

/**
 * The JSON body of an error answer: {@code {"type", "message", "detail"}} (DESIGN.md section 6).
 * {@code detail} is an identifier a user can quote to an operator, never a stack trace.
 */
public record ErrorBody(String type, String message, String detail) {

    public ErrorBody {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    public static ErrorBody of(ErrorType type, String message, String detail) {
        return new ErrorBody(type.code(), message, detail);
    }
}
