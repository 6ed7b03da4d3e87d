package org.xroadng.securityserver.admin;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xroadng.auditlog.web.LockOut;
import org.xroadng.auditlog.web.Passwords;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.ServerException;

/**
 * The console's users: a name, a password kept only as a bcrypt hash ({@link Passwords}), and
 * roles. Guarantees: a name is 1..64 of {@code A-Za-z0-9._@-}; a password is 10..72 UTF-8 bytes (bcrypt
 * reads no further than 72, so a longer one would be silently cut); the lock-out rule is
 * {@link LockOut}'s, shared with the registry's console: after {@value #MAX_FAILURES} wrong
 * passwords within {@link #WINDOW} a user is locked for {@link #LOCK}, and a locked user is refused
 * even with the right password; a sign-in of an unknown name costs the same bcrypt work as a known
 * one, so timing does not tell which names exist. Audit rows are written by {@link ServerAdmin}.
 */
public final class ConsoleUsers {

    public static final int MAX_FAILURES = LockOut.MAX_FAILURES;
    public static final Duration WINDOW = LockOut.WINDOW;
    public static final Duration LOCK = LockOut.LOCK;

    /** A user as listed: never the hash. */
    public record User(String name, Set<Role> roles, Instant createdAt, Optional<Instant> lockedUntil) {
    }

    /** How a sign-in ended. */
    public sealed interface SignIn {
        record Accepted(Operator operator) implements SignIn {
        }

        /** Wrong password (or unknown name): {@code failures} in the current window, 0 for an unknown name. */
        record WrongPassword(int failures, boolean nowLocked) implements SignIn {
        }

        record Locked(Instant until) implements SignIn {
        }
    }

    private final Database database;
    private final Passwords passwords;
    private final Clock clock;

    public ConsoleUsers(Database database, SecureRandom random, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.passwords = new Passwords(random);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public User add(String name, String password, Set<Role> roles) throws ServerException {
        String n = name(name);
        String p = password(password);
        Set<Role> r = roles(roles);
        String hash = passwords.hash(p);
        return database.inTransaction(c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM console_user WHERE name = ?", n) > 0) {
                throw ServerException.conflict("user " + n + " already exists on this server");
            }
            Instant now = clock.instant();
            Jdbc.update(c, "INSERT INTO console_user (name, password_hash, roles, created_at) VALUES (?, ?, ?, ?)",
                    n, hash, Role.format(r), now);
            return new User(n, r, now, Optional.empty());
        });
    }

    /**
     * Deletes a user; the last user or active API key holding the system-administrator role is
     * refused ({@link SystemAdministrators}).
     */
    public void delete(String name) throws ServerException {
        String n = name(name);
        database.inTransaction(c -> {
            SystemAdministrators.requireAnotherBesides(c, n, null);
            if (Jdbc.update(c, "DELETE FROM console_user WHERE name = ?", n) == 0) {
                throw ServerException.notFound("no user " + n + " on this server");
            }
            return null;
        });
    }

    /** Sets a new password and lifts any lock-out. */
    public void setPassword(String name, String password) throws ServerException {
        String n = name(name);
        String hash = passwords.hash(password(password));
        database.inTransaction(c -> {
            if (Jdbc.update(c, "UPDATE console_user SET password_hash = ?, failures = 0, failures_since = NULL,"
                    + " locked_until = NULL WHERE name = ?", hash, n) == 0) {
                throw ServerException.notFound("no user " + n + " on this server");
            }
            return null;
        });
    }

    public List<User> list() {
        Instant now = clock.instant();
        return database.inTransaction(c -> Jdbc.query(c, "SELECT name, roles, created_at, locked_until FROM console_user"
                + " ORDER BY name", r -> {
            Instant locked = r.getObject(4) == null ? null : Jdbc.instant(r, "locked_until");
            return new User(r.getString(1), Role.parse(r.getString(2)), Jdbc.instant(r, "created_at"),
                    Optional.ofNullable(locked).filter(now::isBefore));
        }));
    }

    /** Checks a password, counting a wrong one and locking the user at the limit. */
    public SignIn signIn(String name, String password) {
        String given = password == null ? "" : password;
        Optional<Stored> stored = name == null || !name.matches(NAME) ? Optional.empty()
                : database.inTransaction(c -> stored(c, name));
        if (stored.isEmpty()) {
            passwords.decoy(given);
            return new SignIn.WrongPassword(0, false);
        }
        Stored user = stored.get();
        Instant now = clock.instant();
        LockOut counter = new LockOut(user.failures, user.failuresSince, user.lockedUntil);
        if (counter.lockedAt(now)) {
            return new SignIn.Locked(user.lockedUntil);
        }
        if (Passwords.matches(user.hash, given)) {
            database.inTransaction(c -> Jdbc.update(c, "UPDATE console_user SET failures = 0, failures_since = NULL,"
                    + " locked_until = NULL WHERE name = ?", user.name));
            return new SignIn.Accepted(Operator.user(user.name, user.roles));
        }
        LockOut next = (counter.lockedUntil() != null ? LockOut.CLEAR : counter).afterFailure(now);
        boolean lock = next.lockedUntil() != null;
        database.inTransaction(c -> Jdbc.update(c, "UPDATE console_user SET failures = ?, failures_since = ?,"
                + " locked_until = ? WHERE name = ?", next.failures(), next.failuresSince(), next.lockedUntil(),
                user.name));
        return new SignIn.WrongPassword(lock ? MAX_FAILURES : next.failures(), lock);
    }

    private record Stored(String name, String hash, Set<Role> roles, int failures, Instant failuresSince,
                          Instant lockedUntil) {
    }

    private static Optional<Stored> stored(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, "SELECT name, password_hash, roles, failures, failures_since, locked_until"
                + " FROM console_user WHERE name = ?", r -> new Stored(r.getString(1), r.getString(2),
                Role.parse(r.getString(3)), r.getInt(4), r.getObject(5) == null ? null : Jdbc.instant(r, "failures_since"),
                r.getObject(6) == null ? null : Jdbc.instant(r, "locked_until")), name);
    }

    private static final String NAME = "[A-Za-z0-9._@-]{1,64}";

    /** A user name as allowed, or a {@link ServerException} saying what is. */
    public static String name(String name) throws ServerException {
        if (name == null || !name.matches(NAME)) {
            throw ServerException.badRequest("user name '" + (name == null ? "" : printable(name)) + "' is not allowed;"
                    + " expected 1..64 of the characters A-Z a-z 0-9 . _ @ -", "1..64 of A-Za-z0-9._@-", name);
        }
        return name;
    }

    /** A password as allowed: 10..72 UTF-8 bytes. */
    public static String password(String password) throws ServerException {
        String problem = Passwords.problem(password);
        if (problem != null) {
            int length = password == null ? 0 : password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            throw ServerException.badRequest(problem, "10..72 bytes", Integer.toString(length));
        }
        return password;
    }

    private static Set<Role> roles(Set<Role> roles) throws ServerException {
        if (roles == null || roles.isEmpty()) {
            throw ServerException.badRequest("a user needs at least one role; expected one or more of " + Role.codes());
        }
        return roles;
    }

    private static String printable(String text) {
        String shown = text.length() > 70 ? text.substring(0, 70) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
