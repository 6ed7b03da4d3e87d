package org.xroadng.securityserver.log.timestamp;

/**
 * The message log refuses new exchanges: its records have waited for a time-stamp longer than the
 * registry's {@code acceptableTimestampFailureSeconds} allow (DESIGN.md section 6). The message
 * says since when stamping fails, the last success and the last error; the proxies turn it into
 * their side's {@code TimestampingFailed} error ({@link org.xroadng.securityserver.LogRefusals}).
 */
public final class TimestampingOverdueException extends Exception {

    public TimestampingOverdueException(String message) {
        super(message);
    }
}
