package org.xroadng.securityserver.message;

import java.util.Objects;

/**
 * A peer's message signature was not accepted. The {@link Reason} says which kind of failure it
 * was; the proxy that asked chooses the wire error type (STYLE.md 13), and the message, written for
 * the peer or the information system, says what was wrong.
 */
public final class MessageVerificationException extends Exception {

    /** Why the signature was not accepted. */
    public enum Reason {
        /** Not a well-formed ES256 JWS that verifies with its {@code x5c} key, or its signed summary is malformed. */
        INVALID_SIGNATURE,
        /** The signing certificate is not an acceptable member signing certificate of an approved CA. */
        CERTIFICATE_INVALID,
        /** The signature carries no usable OCSP response saying the certificate is good and fresh. */
        CERTIFICATE_STATUS_UNAVAILABLE
    }

    private final Reason reason;

    public MessageVerificationException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
