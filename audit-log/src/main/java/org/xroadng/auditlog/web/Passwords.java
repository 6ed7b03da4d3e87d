package org.xroadng.auditlog.web;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Console passwords kept only as bcrypt hashes (Bouncy Castle's {@link OpenBSDBCrypt}, {@code $2y$},
 * cost {@value #COST}, a fresh 16-byte salt each time). Guarantees: a password is 10..72 UTF-8 bytes
 * (bcrypt reads no further than 72, so a longer one would be silently cut, see {@link #problem});
 * {@link #matches} does the same bcrypt work whatever it is given, and {@link #decoy} lets a caller
 * spend that work for an unknown user name too, so timing does not tell which names exist.
 */
public final class Passwords {

    public static final int MIN_BYTES = 10;
    public static final int MAX_BYTES = 72;
    static final int COST = 10;

    private final SecureRandom random;
    private final String decoy;

    public Passwords(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        this.decoy = generate("decoy password never used");
    }

    /** What is wrong with {@code password} as a new one, in words; null when it is acceptable. */
    public static String problem(String password) {
        int length = password == null ? 0 : password.getBytes(StandardCharsets.UTF_8).length;
        if (length < MIN_BYTES || length > MAX_BYTES) {
            return "the password is " + length + " bytes long; expected " + MIN_BYTES + ".." + MAX_BYTES
                    + " bytes (bcrypt reads no more than " + MAX_BYTES + ")";
        }
        return null;
    }

    /** A new bcrypt hash of {@code password}, which must pass {@link #problem}. */
    public String hash(String password) {
        String problem = problem(password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return generate(password);
    }

    private String generate(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.getBytes(StandardCharsets.UTF_8), salt, COST);
    }

    /** Whether {@code password} is the one {@code hash} was made from. */
    public static boolean matches(String hash, String password) {
        byte[] bytes = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            OpenBSDBCrypt.checkPassword(hash, "x".getBytes(StandardCharsets.UTF_8)); // the same work either way
            return false;
        }
        return OpenBSDBCrypt.checkPassword(hash, bytes);
    }

    /** Spends the work of one check, for a name that does not exist; always false. */
    public boolean decoy(String password) {
        matches(decoy, password);
        return false;
    }
}
