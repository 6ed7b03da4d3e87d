package org.xroadng.registry;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.xroadng.auditlog.web.LockOut;
import org.xroadng.auditlog.web.Passwords;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.registry.ApiKeys.Role;

/**
 * The registry console's users: a name, a password kept only as a bcrypt hash ({@link Passwords}),
 * and one of the operator API's roles. Guarantees: a name is 1..64 of {@code A-Za-z0-9._@-}; a
 * password is 10..72 UTF-8 bytes; the lock-out rule is {@link LockOut}'s, the same as the security
 * server console's; a sign-in of an unknown name costs the same bcrypt work as a known one. Every
 * change and every sign-in attempt is in the admin audit trail, with its outcome. There is always at
 * least one {@code admin} user once one was added: the last one cannot be deleted.
 */
public final class ConsoleUsers {

    static final String ADD = "consoleUser.add";
    static final String DELETE = "consoleUser.delete";
    static final String PASSWORD = "consoleUser.password";
    /** The audit action of a sign-in attempt at the console. */
    public static final String SIGN_IN = "console.signIn";

    /** The refusal of deleting the last administrator; {@code %s} is the user's name. */
    static final String LAST_ADMIN_USER = "console user %s is the last one with the admin role; add another"
            + " administrator first, so that someone can still manage the console's users and keys";

    private static final String NAME = "[A-Za-z0-9._@-]{1,64}";

    /** A user as listed: never the hash. */
    public record User(String name, Role role, Instant createdAt, Instant lockedUntil) {
    }

    /** How a sign-in ended. */
    public sealed interface SignIn {
        record Accepted(Operator operator) implements SignIn {
        }

        /** Wrong password or unknown name: {@code failures} in the current window, 0 for an unknown name. */
        record WrongPassword(int failures, boolean nowLocked) implements SignIn {
        }

        record Locked(Instant until) implements SignIn {
        }
    }

    private final Changes changes;
    private final Passwords passwords;

    public ConsoleUsers(Changes changes, SecureRandom random) {
        this.changes = changes;
        this.passwords = new Passwords(random);
    }

    public User add(Actor actor, String name, String password, Role role) throws RegistryException {
        String n = name(name);
        String hash = passwords.hash(password(password));
        return changes.apply(actor, ADD, n + " " + role.code(), c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM console_user WHERE name = ?", n) > 0) {
                throw RegistryException.conflict("console user " + n + " already exists");
            }
            Instant now = changes.clock().instant();
            Jdbc.update(c, "INSERT INTO console_user (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                    n, hash, role.code(), now);
            return new User(n, role, now, null);
        });
    }

    /**
     * Deletes a user. The last user with the {@code admin} role is never deleted (a conflict saying
     * so): without one nobody could manage the console's users in it any more.
     */
    public void delete(Actor actor, String name) throws RegistryException {
        String n = name(name);
        changes.apply(actor, DELETE, n, c -> {
            Optional<Role> role = Jdbc.queryOne(c, "SELECT role FROM console_user WHERE name = ?",
                    r -> Role.stored(r.getString(1)), n);
            if (role.isEmpty()) {
                throw RegistryException.notFound("no console user " + n);
            }
            if (role.get() == Role.ADMIN && Jdbc.count(c, "SELECT COUNT(*) FROM console_user WHERE role = ?",
                    Role.ADMIN.code()) <= 1) {
                throw RegistryException.conflict(LAST_ADMIN_USER.formatted(n));
            }
            Jdbc.update(c, "DELETE FROM console_user WHERE name = ?", n);
            return null;
        });
    }

    /** Sets a new password and lifts any lock-out. */
    public void setPassword(Actor actor, String name, String password) throws RegistryException {
        String n = name(name);
        String hash = passwords.hash(password(password));
        changes.apply(actor, PASSWORD, n, c -> {
            if (Jdbc.update(c, "UPDATE console_user SET password_hash = ?, failures = 0, failures_since = NULL,"
                    + " locked_until = NULL WHERE name = ?", hash, n) == 0) {
                throw RegistryException.notFound("no console user " + n);
            }
            return null;
        });
    }

    public List<User> list() {
        Instant now = changes.clock().instant();
        return changes.database().inTransaction(c -> Jdbc.query(c, "SELECT name, role, created_at, locked_until"
                + " FROM console_user ORDER BY name", r -> {
            Instant locked = r.getObject(4) == null ? null : Jdbc.instant(r, "locked_until");
            return new User(r.getString(1), Role.stored(r.getString(2)), Jdbc.instant(r, "created_at"),
                    locked != null && now.isBefore(locked) ? locked : null);
        }));
    }

    /**
     * Checks a password, counting a wrong one and locking the user at the limit; the attempt and its
     * outcome are written to the admin audit trail ({@value #SIGN_IN}), target the name given.
     */
    public SignIn signIn(String name, String password) {
        SignIn result = check(name, password);
        String target = name == null || name.length() > 64 ? "(invalid name)" : name;
        Actor who = new Actor("console");
        if (result instanceof SignIn.Accepted a) {
            changes.succeeded(a.operator().actor(), SIGN_IN, target);
        } else if (result instanceof SignIn.Locked l) {
            changes.refused(who, SIGN_IN, target, "locked until " + l.until());
        } else if (result instanceof SignIn.WrongPassword w) {
            changes.refused(who, SIGN_IN, target, w.failures() == 0 ? "unknown user or wrong password"
                    : "wrong password (" + w.failures() + " of " + LockOut.MAX_FAILURES + ")"
                    + (w.nowLocked() ? "; locked for " + LockOut.LOCK.toMinutes() + " minutes" : ""));
        }
        return result;
    }

    private SignIn check(String name, String password) {
        Optional<Stored> stored = name == null || !name.matches(NAME) ? Optional.empty()
                : changes.database().inTransaction(c -> stored(c, name));
        if (stored.isEmpty()) {
            passwords.decoy(password);
            return new SignIn.WrongPassword(0, false);
        }
        Stored user = stored.get();
        Instant now = changes.clock().instant();
        if (user.counter.lockedAt(now)) {
            return new SignIn.Locked(user.counter.lockedUntil());
        }
        if (Passwords.matches(user.hash, password)) {
            changes.database().inTransaction(c -> Jdbc.update(c, "UPDATE console_user SET failures = 0,"
                    + " failures_since = NULL, locked_until = NULL WHERE name = ?", user.name));
            return new SignIn.Accepted(Operator.user(user.name, user.role));
        }
        LockOut next = (user.counter.lockedUntil() != null ? LockOut.CLEAR : user.counter).afterFailure(now);
        boolean lock = next.lockedUntil() != null;
        changes.database().inTransaction(c -> Jdbc.update(c, "UPDATE console_user SET failures = ?, failures_since = ?,"
                + " locked_until = ? WHERE name = ?", next.failures(), next.failuresSince(), next.lockedUntil(), user.name));
        return new SignIn.WrongPassword(lock ? LockOut.MAX_FAILURES : next.failures(), lock);
    }

    private record Stored(String name, String hash, Role role, LockOut counter) {
    }

    private static Optional<Stored> stored(Connection c, String name) throws SQLException {
        return Jdbc.queryOne(c, "SELECT name, password_hash, role, failures, failures_since, locked_until"
                + " FROM console_user WHERE name = ?", r -> new Stored(r.getString(1), r.getString(2),
                Role.stored(r.getString(3)), new LockOut(r.getInt(4),
                r.getObject(5) == null ? null : Jdbc.instant(r, "failures_since"),
                r.getObject(6) == null ? null : Jdbc.instant(r, "locked_until"))), name);
    }

    /** A user name as allowed, or a refusal saying what is. */
    public static String name(String name) throws RegistryException {
        if (name == null || !name.matches(NAME)) {
            String shown = name == null ? "" : (name.length() > 70 ? name.substring(0, 70) + "..." : name)
                    .replaceAll("[^\\x20-\\x7e]", "?");
            throw RegistryException.badRequest("user name '" + shown + "' is not allowed; expected 1..64 of the"
                    + " characters A-Z a-z 0-9 . _ @ -");
        }
        return name;
    }

    /** A password as allowed: 10..72 UTF-8 bytes, or a refusal saying so. */
    public static String password(String password) throws RegistryException {
        String problem = Passwords.problem(password);
        if (problem != null) {
            throw RegistryException.badRequest(problem);
        }
        return password;
    }
}
