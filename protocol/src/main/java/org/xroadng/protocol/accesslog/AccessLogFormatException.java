package org.xroadng.protocol.accesslog;

/** A checkpoint, submission or witness answer that is not in the form the protocol gives; the message says what was expected. */
public final class AccessLogFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public AccessLogFormatException(String message) {
        super(message);
    }

    public AccessLogFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
