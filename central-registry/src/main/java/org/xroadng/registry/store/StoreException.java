package org.xroadng.registry.store;

/** The registry database failed (not a refusal of bad input): the operation changed nothing. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
