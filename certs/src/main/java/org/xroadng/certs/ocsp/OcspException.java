package org.xroadng.certs.ocsp;

/**
 * No trustworthy OCSP status could be had: the responder was unreachable or answered with an
 * error, or its response failed verification (the message says which check, expected and actual).
 */
public final class OcspException extends Exception {

    public OcspException(String message) {
        super(message);
    }

    public OcspException(String message, Throwable cause) {
        super(message, cause);
    }
}
