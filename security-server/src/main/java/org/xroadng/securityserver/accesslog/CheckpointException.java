package org.xroadng.securityserver.accesslog;

/** A checkpoint could not be made or witnessed; the message says which step failed and why. */
public final class CheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
