package org.xroadng.auditlog.portal.oidc;

import java.util.Objects;

/**
 * An ID token was refused, or could not be checked because the identity provider was not
 * reachable ({@link Reason#PROVIDER_UNAVAILABLE}). The message is written for the person or client
 * that presented the token and says what was wrong; it never repeats the token. Immutable.
 */
public final class IdTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the token was refused. */
    public enum Reason {
        /** No token was presented. */
        MISSING("missing token"),
        /** Not a compact JWS, or its claims are not a JSON object. */
        MALFORMED("malformed token"),
        /** {@code none}, an HMAC algorithm or any algorithm outside the allowlist. */
        ALGORITHM_NOT_ALLOWED("algorithm not allowed"),
        /** The {@code iss} claim is not the configured issuer. */
        WRONG_ISSUER("wrong issuer"),
        /** No key of the identity provider verifies the signature. */
        BAD_SIGNATURE("bad signature"),
        /** The {@code aud} claim does not contain the portal's client id. */
        WRONG_AUDIENCE("wrong audience"),
        /** The {@code exp} claim has passed (beyond the allowed clock skew). */
        EXPIRED("expired"),
        /** {@code exp}, {@code iat} or {@code sub} is missing, or {@code iat} lies in the future. */
        BAD_CLAIMS("bad claims"),
        /** The {@code sub} claim is not a plausible personal code. */
        BAD_SUBJECT("bad subject"),
        /** The identity provider's discovery document or keys could not be fetched. */
        PROVIDER_UNAVAILABLE("identity provider unavailable");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** A short lower-case label, such as {@code expired}, shown to users. */
        public String label() {
            return label;
        }
    }

    private final Reason reason;

    public IdTokenException(Reason reason, String message) {
        this(reason, message, null);
    }

    public IdTokenException(Reason reason, String message, Throwable cause) {
        super(reason.label() + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
