package org.xroadng.certs.tsa;

import java.util.Optional;

/**
 * No trustworthy time-stamp could be had: the TSA was unreachable, refused the request (RFC 3161
 * section 2.4.2), or its answer failed a check. {@link #check()} names the check that failed and,
 * where it is a comparison, {@link #expected()} and {@link #actual()} say what was wanted and what
 * was found; the message says the same in words. Immutable.
 */
public final class TimestampException extends Exception {

    /** Which check failed. */
    public enum Check {
        /** The TSA could not be reached or did not answer in time. */
        TRANSPORT,
        /** The HTTP answer was not a 200 with {@code application/timestamp-reply} (RFC 3161 section 3.4). */
        HTTP_RESPONSE,
        /** The bytes are not a DER {@code TimeStampResp} or {@code TimeStampToken}. */
        MALFORMED,
        /** The TSA answered with a PKIStatus other than granted (RFC 3161 section 2.4.2). */
        PKI_STATUS,
        /** The token's nonce is not the one we sent (RFC 3161 section 2.4.2). */
        NONCE,
        /** The message imprint uses another hash algorithm than SHA-256. */
        IMPRINT_ALGORITHM,
        /** The message imprint is not the digest we asked to time-stamp. */
        IMPRINT,
        /** The trusted certificate is not a TSA certificate (RFC 3161 section 2.3). */
        TSA_CERTIFICATE,
        /** The signer named by the token (SignerIdentifier, ESSCertID/ESSCertIDv2) is not the trusted TSA. */
        SIGNER,
        /** The CMS signature over the TSTInfo does not verify (RFC 5652 section 5.6). */
        SIGNATURE,
        /** genTime lies outside the TSA certificate's validity, or too far from our clock. */
        GEN_TIME
    }

    private final Check check;
    private final String expected;
    private final String actual;
    private final String statusString;
    private final Integer failInfo;

    private TimestampException(Check check, String message, String expected, String actual, String statusString,
                               Integer failInfo, Throwable cause) {
        super(message, cause);
        this.check = check;
        this.expected = expected;
        this.actual = actual;
        this.statusString = statusString;
        this.failInfo = failInfo;
    }

    /** A failure that is not a comparison, such as an unreachable TSA or unparseable bytes. */
    public static TimestampException failed(Check check, String message, Throwable cause) {
        return new TimestampException(check, message, null, null, null, null, cause);
    }

    /** {@code what} was {@code actual} where {@code expected} was required. */
    public static TimestampException mismatch(Check check, String what, Object expected, Object actual) {
        return new TimestampException(check, what + ": expected " + expected + ", actual " + actual,
                String.valueOf(expected), String.valueOf(actual), null, null, null);
    }

    /**
     * The TSA refused: its PKIStatus, its statusString (may be null) and its PKIFailureInfo bits
     * (RFC 3161 section 2.4.2; 0 when absent).
     */
    public static TimestampException rejected(int status, String statusString, int failInfo) {
        String message = "TSA did not grant the time-stamp: expected status granted (0), actual " + status
                + ", failInfo " + FailInfoNames.describe(failInfo)
                + (statusString == null ? "" : ", status string '" + statusString + "'");
        return new TimestampException(Check.PKI_STATUS, message, "0", String.valueOf(status), statusString,
                failInfo, null);
    }

    public Check check() {
        return check;
    }

    /** What the check required; empty unless the failure is a comparison. */
    public Optional<String> expected() {
        return Optional.ofNullable(expected);
    }

    /** What the check found; empty unless the failure is a comparison. */
    public Optional<String> actual() {
        return Optional.ofNullable(actual);
    }

    /** The TSA's own words for a refusal; empty unless the check is {@link Check#PKI_STATUS} and it gave some. */
    public Optional<String> statusString() {
        return Optional.ofNullable(statusString);
    }

    /** The TSA's PKIFailureInfo bits for a refusal (BC {@code PKIFailureInfo} constants); empty otherwise. */
    public Optional<Integer> failInfo() {
        return Optional.ofNullable(failInfo);
    }
}
