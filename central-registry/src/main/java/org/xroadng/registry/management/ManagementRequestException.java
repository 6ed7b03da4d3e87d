package org.xroadng.registry.management;

import java.util.Objects;

/**
 * A management request failed verification. {@link #reason()} is the closed code the registry
 * answers with; the message says which check failed, with the expected and the actual value, in
 * words fit to send back to the security server that filed the request.
 */
public final class ManagementRequestException extends Exception {

    /** Which check refused the request. */
    public enum Reason {
        /** The body or a payload is not of the wire form: not a compact JWS, not strict JSON, a bad field. */
        MALFORMED,
        /** A well-formed JSON payload of a request type the registry does not handle. */
        UNKNOWN_TYPE,
        /** The outer JWS is not an ES256 signature that verifies with its {@code x5c} certificate. */
        BAD_SIGNATURE,
        /** An {@code authCertReg} is not signed by the key of the auth certificate it registers. */
        PROOF_OF_POSSESSION,
        /** A signer certificate is expired, does not chain to an approved CA or does not fit its profile. */
        CERTIFICATE_INVALID,
        /** A signer certificate's carried OCSP response says it is revoked. */
        CERTIFICATE_REVOKED,
        /** A signer certificate came without an OCSP response, or with one that is stale or does not verify. */
        OCSP_STALE_OR_MISSING,
        /** The signing member is not the member the request speaks for. */
        SIGNER_MISMATCH,
        /** The auth certificate names another security server than the request. */
        IDENTITY_MISMATCH,
        /** {@code requestedAt} is further from the registry's clock than the accepted window. */
        REQUEST_TIME_OUT_OF_WINDOW
    }

    private final Reason reason;

    public ManagementRequestException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ManagementRequestException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
