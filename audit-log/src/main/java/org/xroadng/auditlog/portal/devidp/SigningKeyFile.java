package org.xroadng.auditlog.portal.devidp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;

/**
 * The development identity provider's EC P-256 (ES256) signing key: generated with the given
 * randomness, and, when a directory is given, kept there as a private JWK ({@value #FILE}, owner
 * read/write only where the file system allows) so that tokens stay valid across restarts.
 */
final class SigningKeyFile {

    static final String FILE = "dev-idp-signing-key.jwk.json";

    private SigningKeyFile() {
    }

    /** The key in {@code dir}, created there first if missing; a fresh key when {@code dir} is null. */
    static ECKey loadOrCreate(Path dir, SecureRandom random) throws IOException {
        if (dir == null) {
            return generate(random);
        }
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            return read(file);
        }
        Files.createDirectories(dir);
        ECKey key = generate(random);
        Path temp = Files.createTempFile(dir, FILE, ".tmp");
        try {
            restrict(temp);
            Files.writeString(temp, key.toJSONString(), StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return key;
    }

    private static ECKey read(Path file) throws IOException {
        ECKey key;
        try {
            key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IOException("the development identity provider's key file " + file
                    + " is not an EC JWK; delete it to generate a new key: " + e.getMessage(), e);
        }
        if (!Curve.P_256.equals(key.getCurve()) || !key.isPrivate() || key.getKeyID() == null) {
            throw new IOException("the development identity provider's key file " + file
                    + " must hold a private P-256 key with a key id; delete it to generate a new key");
        }
        return key;
    }

    private static ECKey generate(SecureRandom random) throws IOException {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true)
                    .secureRandom(random)
                    .generate();
        } catch (JOSEException e) {
            throw new IOException("cannot generate a P-256 key: " + e.getMessage(), e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own permissions apply.
        }
    }
}
