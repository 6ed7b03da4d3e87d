package org.xroadng.securityserver.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * Admin API keys, each with its {@link Role}s (a key created without roles, and every key created
 * before roles existed, holds them all: {@link Role#ALL}). A key is 32 random bytes shown once when created; only its SHA-256
 * is stored (a key has full entropy, so a fast hash does not make guessing easier), and a caller is
 * recognised by looking that hash up.
 */
public final class AdminKeys {

    /** A key as listed: never the key itself. */
    public record KeyView(long id, String label, java.util.Set<Role> roles, java.time.Instant createdAt,
                          java.util.Optional<java.time.Instant> revokedAt) {
    }

    /** A newly created key: the only time {@code key} is known. */
    public record CreatedKey(long id, String label, String key) {
        @Override
        public String toString() {
            return "CreatedKey[id=" + id + ", label=" + label + "]";
        }
    }

    private final Database database;
    private final SecureRandom random;
    private final Clock clock;
    private final ConsoleUsers users;

    public AdminKeys(Database database, SecureRandom random, Clock clock) {
        this.database = database;
        this.random = random;
        this.clock = clock;
        this.users = new ConsoleUsers(database, random, clock);
    }

    /** The console's users: the other kind of operator credential, kept in the same database. */
    public ConsoleUsers users() {
        return users;
    }

    /** A key holding every role but the inspector's ({@link Role#ALL}). */
    public CreatedKey create(String label) {
        return create(label, Role.parse(Role.ALL));
    }

    /** A key holding {@code roles} (at least one). */
    public CreatedKey create(String label, java.util.Set<Role> roles) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("an API key needs at least one role; expected one or more of "
                    + Role.codes());
        }
        String stored = roles.equals(Role.parse(Role.ALL)) ? Role.ALL : Role.format(roles);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = "xsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long id = database.inTransaction(c -> Jdbc.insert(c,
                "INSERT INTO admin_api_key (key_hash, label, created_at, roles) VALUES (?, ?, ?, ?)", hash(key), label,
                clock.instant(), stored));
        return new CreatedKey(id, label, key);
    }

    /** Every key ever made, revoked ones too, oldest first. */
    public java.util.List<KeyView> list() {
        return database.inTransaction(c -> Jdbc.query(c,
                "SELECT id, label, roles, created_at, revoked_at FROM admin_api_key ORDER BY id",
                r -> new KeyView(r.getLong(1), r.getString(2), Role.parse(r.getString(3)), Jdbc.instant(r, "created_at"),
                        java.util.Optional.ofNullable(Jdbc.instant(r, "revoked_at")))));
    }

    /**
     * Revokes key {@code id} from now on; an unknown or already revoked id is not found; the last
     * user or active key holding the system-administrator role is refused ({@link SystemAdministrators}).
     */
    public void revoke(long id) throws org.xroadng.securityserver.ServerException {
        int updated = database.inTransaction(c -> {
            SystemAdministrators.requireAnotherBesides(c, null, id);
            return Jdbc.update(c, "UPDATE admin_api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                    clock.instant(), id);
        });
        if (updated == 0) {
            throw org.xroadng.securityserver.ServerException.notFound("no active admin API key " + id);
        }
    }

    /**
     * Checks a label before a key is made: 1 to 200 printable characters.
     */
    public static String label(String label) throws org.xroadng.securityserver.ServerException {
        String text = label == null ? "" : label.strip();
        if (text.isEmpty() || text.length() > 200 || text.chars().anyMatch(Character::isISOControl)) {
            throw org.xroadng.securityserver.ServerException.badRequest("a key's label is 1 to 200 printable"
                    + " characters", "1..200 printable characters", text.length() > 40 ? text.substring(0, 40) + "..." : text);
        }
        return text;
    }

    /**
     * Whether the credential {@code operator} signed in with still holds: for an API key, that it
     * was not revoked since; for a console user, that the user still exists. The server itself
     * always does.
     */
    public boolean stillValid(Operator operator) {
        return switch (operator.kind()) {
            case SYSTEM -> true;
            case USER -> users.list().stream().anyMatch(u -> u.name().equals(operator.name()));
            case API_KEY -> {
                String name = operator.name();
                int space = name.indexOf(' ');
                long id;
                try {
                    id = Long.parseLong(name.substring(1, space < 0 ? name.length() : space));
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    yield false;
                }
                yield database.inTransaction(c -> Jdbc.count(c,
                        "SELECT COUNT(*) FROM admin_api_key WHERE id = ? AND revoked_at IS NULL", id) > 0);
            }
        };
    }

    /** Whether {@code key} is a known, unrevoked admin key. */
    public boolean isValid(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return false;
        }
        return database.inTransaction(c -> Jdbc.count(c,
                "SELECT COUNT(*) FROM admin_api_key WHERE key_hash = ? AND revoked_at IS NULL", hash(key)) > 0);
    }

    /** The operator a known, unrevoked key stands for, with the key's roles; empty for any other text. */
    public java.util.Optional<Operator> authenticate(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return java.util.Optional.empty();
        }
        return database.inTransaction(c -> Jdbc.queryOne(c,
                "SELECT id, label, roles FROM admin_api_key WHERE key_hash = ? AND revoked_at IS NULL",
                r -> Operator.apiKey(r.getLong(1), r.getString(2), Role.parse(r.getString(3))), hash(key)));
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
