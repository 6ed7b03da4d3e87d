package org.xroadng.protocol.id;

/**
 * An identifier was malformed. The message names what was being parsed, the value given and the
 * form that was expected, so it can be shown to a user as it is.
 */
public final class InvalidIdentifierException extends IllegalArgumentException {

    public InvalidIdentifierException(String message) {
        super(message);
    }
}
