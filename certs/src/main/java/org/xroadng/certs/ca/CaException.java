package org.xroadng.certs.ca;

/**
 * The CA refused or failed an operation. The message is written for the operator: what was wrong
 * and what was expected. Nothing was stored.
 */
public final class CaException extends Exception {

    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
