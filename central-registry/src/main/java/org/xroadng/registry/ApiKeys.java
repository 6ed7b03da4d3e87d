package org.xroadng.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xroadng.protocol.store.Jdbc;

/**
 * Operator API keys. A key is 32 random bytes shown once when created; the registry keeps only its
 * SHA-256 (a key has full entropy, so a fast hash does not make guessing easier), and looks keys up
 * by that hash.
 */
public final class ApiKeys {

    /** What a key may do. */
    public enum Role {
        /** Everything, including trust anchors, settings and API keys. */
        ADMIN("admin"),
        /** Members, subsystems, servers, groups and management requests. */
        REGISTRATION_OFFICER("registration-officer"),
        /** Read only. */
        VIEWER("viewer");

        private final String code;

        Role(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Role parse(String code) throws RegistryException {
            for (Role role : values()) {
                if (role.code.equals(code == null ? null : code.toLowerCase(Locale.ROOT))) {
                    return role;
                }
            }
            throw RegistryException.badRequest("unknown role '" + code + "'; expected admin, registration-officer or viewer");
        }

        /** A role as the database holds it; anything else there is a broken store, not a caller's mistake. */
        static Role stored(String code) {
            for (Role role : values()) {
                if (role.code.equals(code)) {
                    return role;
                }
            }
            throw new IllegalStateException("stored role is unknown: " + code);
        }
    }

    /** A key as listed: never the key itself. */
    public record KeyView(long id, Role role, String label, Instant createdAt, Instant revokedAt) {
    }

    /** A newly created key: the only time {@code key} is known. */
    public record CreatedKey(long id, Role role, String label, String key) {
    }

    /** The holder of a valid key. */
    public record Caller(long keyId, Role role) {
        public Actor actor() {
            return new Actor("api-key:" + keyId + " (" + role.code() + ")");
        }
    }

    private final Changes changes;
    private final SecureRandom random;

    public ApiKeys(Changes changes, SecureRandom random) {
        this.changes = changes;
        this.random = random;
    }

    public CreatedKey create(Actor actor, Role role, String label) throws RegistryException {
        String text = Validation.text("label", label, 200);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = "xrk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return changes.apply(actor, "apiKey.create", role.code() + " " + text, c -> {
            long id = Jdbc.insert(c, "INSERT INTO api_key (key_hash, role, label, created_at) VALUES (?, ?, ?, ?)",
                    hash(key), role.code(), text, changes.clock().instant());
            return new CreatedKey(id, role, text, key);
        });
    }

    public List<KeyView> list() {
        return changes.database().inTransaction(c -> Jdbc.query(c,
                "SELECT id, role, label, created_at, revoked_at FROM api_key ORDER BY id",
                r -> new KeyView(r.getLong("id"), role(r.getString("role")), r.getString("label"),
                        Jdbc.instant(r, "created_at"), Jdbc.instant(r, "revoked_at"))));
    }

    /**
     * Revokes a key. The last active key with the {@code admin} role is never revoked (a conflict
     * saying so): without one the API could no longer change settings, trust anchors or keys.
     */
    public void revoke(Actor actor, long id) throws RegistryException {
        changes.apply(actor, "apiKey.revoke", String.valueOf(id), c -> {
            Optional<Role> role = Jdbc.queryOne(c, "SELECT role FROM api_key WHERE id = ? AND revoked_at IS NULL",
                    r -> role(r.getString(1)), id);
            if (role.isEmpty()) {
                throw RegistryException.notFound("no active API key " + id);
            }
            if (role.get() == Role.ADMIN && Jdbc.count(c, "SELECT COUNT(*) FROM api_key WHERE role = ?"
                    + " AND revoked_at IS NULL", Role.ADMIN.code()) <= 1) {
                throw RegistryException.conflict("API key " + id + " is the last active key with the admin role;"
                        + " create another admin key first, so that the registry can still be administered"
                        + " through its API");
            }
            Jdbc.update(c, "UPDATE api_key SET revoked_at = ? WHERE id = ?", changes.clock().instant(), id);
            return null;
        });
    }

    /** The caller holding this key, if it is a known, unrevoked key. */
    public Optional<Caller> authenticate(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return Optional.empty();
        }
        return changes.database().inTransaction(c -> find(c, hash(key)));
    }

    private static Optional<Caller> find(Connection c, String hash) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, role FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
                r -> new Caller(r.getLong(1), role(r.getString(2))), hash);
    }

    private static Role role(String code) {
        return Role.stored(code);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
