package org.xroadng.protocol.jws;

/** A signature could not be made: the key is unusable or the signing provider failed. */
public final class SigningException extends Exception {

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
