package org.xroadng.securityserver.transport;

import java.io.IOException;

/**
 * A request failed before any byte of it was handed to an open connection: the connection could
 * not be made (refused, timed out), its TLS handshake failed (the peer's certificate refused, or
 * the peer gone mid-handshake), or a pooled connection was found closed before the request was
 * written. The peer cannot have seen the request, so it may be sent to another server without
 * any risk of being acted on twice. Any failure once the request was written is reported as
 * itself, never as this: the peer may have acted on it. The cause says what failed.
 */
public final class RequestNotSentException extends IOException {

    public RequestNotSentException(Throwable cause) {
        super("the request was not sent: " + cause.getMessage(), cause);
    }

    /** Whether {@code failure}, or any of its causes, is a request that was not sent. */
    public static boolean isNotSent(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestNotSentException) {
                return true;
            }
        }
        return false;
    }
}
