package org.xroadng.securityserver.message;

import java.util.Objects;

/**
 * A message summary could not be signed. The {@link Reason} says which kind of trouble it was; the
 * proxy that asked chooses the wire error type (STYLE.md 13), and the message, written for the
 * information system or the peer, says what was wrong.
 */
public final class MessageSigningException extends Exception {

    /** Why nothing was signed. */
    public enum Reason {
        /** This server holds no signing key and certificate for the member. */
        NO_SIGNING_KEY,
        /** No good, fresh OCSP response for the signing certificate is at hand to carry with the signature. */
        CERTIFICATE_STATUS_UNAVAILABLE,
        /** The key's token refused or failed to sign. */
        SIGNING_FAILED
    }

    private final Reason reason;

    public MessageSigningException(Reason reason, String message) {
        this(reason, message, null);
    }

    public MessageSigningException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
