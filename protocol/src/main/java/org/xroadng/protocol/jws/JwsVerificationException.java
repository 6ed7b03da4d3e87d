package org.xroadng.protocol.jws;

/**
 * An untrusted JWS failed verification. The message says which check failed, with the expected
 * and the actual value where there is one.
 */
public final class JwsVerificationException extends Exception {

    public JwsVerificationException(String message) {
        super(message);
    }

    public JwsVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
