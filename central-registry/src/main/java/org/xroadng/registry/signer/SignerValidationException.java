package org.xroadng.registry.signer;

import java.util.Objects;

/**
 * The signer of a JWS is not one the instance trusts. {@link #reason()} says which check failed; the
 * message names the certificate, what was expected and what was found, in words fit to send back
 * to the party that signed. Immutable.
 */
public final class SignerValidationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check refused the signer. */
    public enum Reason {
        /** The carried OCSP header parameter is not a base64 string. */
        MALFORMED,
        /** The certificate is expired, does not chain to an approved CA or does not fit its profile. */
        CERTIFICATE_INVALID,
        /** The carried OCSP response says the certificate is revoked. */
        CERTIFICATE_REVOKED,
        /** No OCSP response is carried, or it is stale or does not verify. */
        OCSP_STALE_OR_MISSING
    }

    private final Reason reason;

    public SignerValidationException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public SignerValidationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
