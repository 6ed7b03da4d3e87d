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
 * Admin API keys (role admin). A key is 32 random bytes shown once when created; only its SHA-256
 * is stored (a key has full entropy, so a fast hash does not make guessing easier), and a caller is
 * recognised by looking that hash up.
 */
public final class AdminKeys {

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

    public AdminKeys(Database database, SecureRandom random, Clock clock) {
        this.database = database;
        this.random = random;
        this.clock = clock;
    }

    public CreatedKey create(String label) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = "xsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long id = database.inTransaction(c -> Jdbc.insert(c,
                "INSERT INTO admin_api_key (key_hash, label, created_at) VALUES (?, ?, ?)", hash(key), label,
                clock.instant()));
        return new CreatedKey(id, label, key);
    }

    /** Whether {@code key} is a known, unrevoked admin key. */
    public boolean isValid(String key) {
        if (key == null || key.isEmpty() || key.length() > 200) {
            return false;
        }
        return database.inTransaction(c -> Jdbc.count(c,
                "SELECT COUNT(*) FROM admin_api_key WHERE key_hash = ? AND revoked_at IS NULL", hash(key)) > 0);
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
