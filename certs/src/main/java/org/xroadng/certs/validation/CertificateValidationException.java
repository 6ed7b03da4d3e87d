package org.xroadng.certs.validation;

/**
 * A certificate is not acceptable. {@link #reason()} says which check failed, so that callers can
 * map it to their own error types; the message names the certificate and the expected and actual
 * values.
 */
public final class CertificateValidationException extends Exception {

    /** Which check failed. */
    public enum Reason { MALFORMED, EXPIRED, NOT_YET_VALID, UNTRUSTED_CHAIN, PROFILE, REVOKED, STATUS_UNKNOWN, STATUS_UNAVAILABLE }

    private final Reason reason;

    public CertificateValidationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CertificateValidationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
