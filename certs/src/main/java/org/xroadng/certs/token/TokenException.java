package org.xroadng.certs.token;

/** A token operation failed: wrong PIN, unknown key id, unreadable or unwritable token file. */
public final class TokenException extends Exception {

    public TokenException(String message) {
        super(message);
    }

    public TokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
