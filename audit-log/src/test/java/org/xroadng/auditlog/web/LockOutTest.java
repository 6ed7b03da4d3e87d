package org.xroadng.auditlog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The consoles' shared lock-out rule and password hashing, without a console around them. */
class LockOutTest {

    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    @Test
    void fiveFailuresInTheWindow_lockForFifteenMinutes() {
        LockOut counter = LockOut.CLEAR;
        for (int i = 1; i < LockOut.MAX_FAILURES; i++) {
            counter = counter.afterFailure(T0.plusSeconds(60L * i));
            assertEquals(i, counter.failures());
            assertFalse(counter.lockedAt(T0.plusSeconds(60L * i)));
        }
        Instant fifth = T0.plusSeconds(300);
        LockOut locked = counter.afterFailure(fifth);
        assertEquals(fifth.plus(LockOut.LOCK), locked.lockedUntil());
        assertTrue(locked.lockedAt(fifth.plus(LockOut.LOCK).minusSeconds(1)));
        assertFalse(locked.lockedAt(fifth.plus(LockOut.LOCK)), "the lock ends exactly at lockedUntil");
    }

    @Test
    void aFailureAfterTheWindow_startsCountingAgain() {
        LockOut counter = LockOut.CLEAR;
        for (int i = 0; i < LockOut.MAX_FAILURES - 1; i++) {
            counter = counter.afterFailure(T0);
        }
        LockOut later = counter.afterFailure(T0.plus(LockOut.WINDOW));
        assertEquals(1, later.failures());
        assertEquals(T0.plus(LockOut.WINDOW), later.failuresSince());
        assertNull(later.lockedUntil());
    }

    @Test
    void aCountOutsideTheRule_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LockOut(-1, null, null));
        assertThrows(IllegalArgumentException.class, () -> new LockOut(LockOut.MAX_FAILURES + 1, T0, null));
    }

    @Test
    void passwords_areBcryptHashesThatMatchOnlyTheirPassword_andBadLengthsAreRefused() {
        Passwords passwords = new Passwords(new SecureRandom());
        String hash = passwords.hash("correct horse battery");
        assertTrue(hash.startsWith("$2y$10$"), hash);
        assertTrue(Passwords.matches(hash, "correct horse battery"));
        assertFalse(Passwords.matches(hash, "correct horse batterY"));
        assertFalse(Passwords.matches(hash, ""));
        assertFalse(Passwords.matches(hash, null));
        assertFalse(hash.equals(passwords.hash("correct horse battery")), "a fresh salt each time");
        assertFalse(passwords.decoy("correct horse battery"));
        assertTrue(Passwords.problem("short").contains("expected 10..72 bytes"));
        assertTrue(Passwords.problem("é".repeat(37)).contains("74 bytes"), "counted in UTF-8 bytes");
        assertNull(Passwords.problem("ten bytes!"));
        assertThrows(IllegalArgumentException.class, () -> passwords.hash("short"));
    }
}
