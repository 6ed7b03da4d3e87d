package org.xroadng.protocol.globalconf;

import java.util.Objects;
import java.util.Optional;

/**
 * A global configuration, or the anchor that says whom to trust for it, could not be obtained or
 * was refused. The {@link Reason} says which check failed; the message says what was expected and
 * what was found, and {@link #expected()} / {@link #actual()} carry the two values where there are
 * two to compare. Immutable.
 */
public final class ConfigurationException extends Exception {

    /** Which check failed. */
    public enum Reason {
        /** The anchor file is missing, unreadable or holds a bad value, or its fingerprint is not the pinned one. */
        BAD_ANCHOR,
        /** The configuration could not be downloaded: no connection, a timeout, an unexpected HTTP status, too large a body. */
        DOWNLOAD_FAILED,
        /** What was downloaded is not a compact JWS, or its payload is not a global configuration. */
        MALFORMED,
        /** The JWS is not ES256 or its signature does not verify (RFC 7515 section 5.2). */
        BAD_SIGNATURE,
        /** The signature verifies, but with a certificate other than the one pinned in the anchor. */
        WRONG_SIGNER,
        /** The configuration is for another instance than the anchor's. */
        WRONG_INSTANCE,
        /** The configuration's {@code expiresAt} is not after the current time. */
        EXPIRED,
        /** The configuration's version is lower than that of the last good one (a replay). */
        VERSION_ROLLBACK,
        /** The configuration has the version of the last good one but different content. */
        VERSION_CONFLICT,
        /** No configuration has been downloaded and verified yet. */
        NOT_DOWNLOADED
    }

    private final Reason reason;
    private final String expected;
    private final String actual;

    public ConfigurationException(Reason reason, String message) {
        this(reason, message, null, null, null);
    }

    public ConfigurationException(Reason reason, String message, Throwable cause) {
        this(reason, message, null, null, cause);
    }

    /**
     * @param expected what the check required, or null when there is no single value to name
     * @param actual   what was found instead, or null likewise
     */
    public ConfigurationException(Reason reason, String message, String expected, String actual, Throwable cause) {
        super(reason + ": " + Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.expected = expected;
        this.actual = actual;
    }

    public Reason reason() {
        return reason;
    }

    /** What the failed check required, when it compares two values. */
    public Optional<String> expected() {
        return Optional.ofNullable(expected);
    }

    /** What was found instead, when the failed check compares two values. */
    public Optional<String> actual() {
        return Optional.ofNullable(actual);
    }
}
