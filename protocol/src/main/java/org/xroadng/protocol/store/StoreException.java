package org.xroadng.protocol.store;

/** A database failed (not a refusal of bad input): the operation changed nothing. */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
