package org.xroadng.registry.witness;

import java.util.Locale;
import java.util.Objects;

/**
 * The witness refused a checkpoint submission. {@link #reason()} is the closed code the registry
 * answers with (see {@link #type()}); the message says which check failed, with the expected and
 * the actual value, in words fit to send back to the security server. Nothing was stored. Immutable.
 */
public final class CheckpointRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check refused the submission. */
    public enum Reason {
        /** The body, the JWS form, the checkpoint payload, the timestamp encoding or the proof length is not the wire form. */
        MALFORMED,
        /** The body is larger than {@link CheckpointWitness#MAX_SUBMISSION_BYTES}. */
        TOO_LARGE,
        /** The checkpoint JWS is not an ES256 signature that verifies with its {@code x5c} certificate. */
        BAD_SIGNATURE,
        /** The signing certificate is expired, does not chain to an approved CA or is no {@code sign} certificate. */
        CERTIFICATE_INVALID,
        /** The carried OCSP response says the signing certificate is revoked. */
        CERTIFICATE_REVOKED,
        /** No OCSP response is carried for the signing certificate, or it is stale or does not verify. */
        OCSP_STALE_OR_MISSING,
        /** The checkpoint's origin is not a security server registered in this registry. */
        UNKNOWN_SERVER,
        /** The signing member is not the owner of the checkpoint's origin. */
        SIGNER_MISMATCH,
        /** The checkpoint's time is too far ahead of the registry's clock. */
        TIME_IN_FUTURE,
        /** The checkpoint's time is before the time of the last checkpoint accepted from the server. */
        TIME_BEFORE_LAST,
        /** The time-stamp token is not one by an approved TSA over the checkpoint JWS. */
        BAD_TIMESTAMP,
        /** The checkpoint's time is too far from the time-stamp's {@code genTime}: backdated, or dated after it. */
        TIME_NOT_STAMPED,
        /** {@code fromSize} is not the size of the last checkpoint the witness accepted from the server. */
        STALE_FROM_SIZE,
        /** The checkpoint does not extend the last accepted one: the server's log was rewritten or forked. */
        INCONSISTENT_HISTORY
    }

    private final Reason reason;

    public CheckpointRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public CheckpointRefusedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /** The error type of the JSON answer: {@code Witness.} and the reason in PascalCase, such as {@code Witness.InconsistentHistory}. */
    public String type() {
        StringBuilder out = new StringBuilder("Witness.");
        for (String word : reason.name().toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return out.toString();
    }
}
