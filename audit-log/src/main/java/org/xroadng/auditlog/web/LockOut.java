package org.xroadng.auditlog.web;

import java.time.Duration;
import java.time.Instant;

/**
 * The consoles' lock-out rule (OWASP Authentication: account lock-out): after {@value #MAX_FAILURES}
 * wrong passwords within {@link #WINDOW} a user is locked for {@link #LOCK}, and a locked user is
 * refused even with the right password. A value is one user's counter as stored; it never reads a
 * clock itself, the store passes its own.
 *
 * @param failures      wrong passwords in the window that began at {@code failuresSince}
 * @param failuresSince null when there were none
 * @param lockedUntil   null when not locked
 */
public record LockOut(int failures, Instant failuresSince, Instant lockedUntil) {

    public static final int MAX_FAILURES = 5;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    public static final Duration LOCK = Duration.ofMinutes(15);

    /** A user with no failures. */
    public static final LockOut CLEAR = new LockOut(0, null, null);

    public LockOut {
        if (failures < 0 || failures > MAX_FAILURES) {
            throw new IllegalArgumentException("failures must be 0.." + MAX_FAILURES + "; given " + failures);
        }
    }

    /** Whether the user is locked at {@code now}. */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /**
     * The counter after one more wrong password at {@code now}; failures outside the window do not add
     * up. The failure that reaches {@value #MAX_FAILURES} locks the user and clears the count.
     */
    public LockOut afterFailure(Instant now) {
        boolean fresh = failuresSince == null || !now.isBefore(failuresSince.plus(WINDOW));
        int count = fresh ? 1 : failures + 1;
        if (count >= MAX_FAILURES) {
            return new LockOut(0, null, now.plus(LOCK));
        }
        return new LockOut(count, fresh ? now : failuresSince, null);
    }
}
