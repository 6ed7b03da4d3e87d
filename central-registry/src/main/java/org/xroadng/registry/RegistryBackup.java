package org.xroadng.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xroadng.certs.Pem;
import org.xroadng.certs.backup.BackupArchive;
import org.xroadng.certs.backup.BackupException;
import org.xroadng.certs.backup.ComponentBackup;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;

/**
 * {@code xroad registry backup|restore}: the registry's settings, its token with the configuration
 * signing keys (still under its PIN), their certificates (current, and next and previous around a
 * rotation) and an online H2 copy of its database, as one {@link BackupArchive} signed with the
 * current configuration signing key.
 *
 * <p>Guarantees of {@link #restore}: the signature is checked first; the archive must be of the
 * instance the given anchor names and signed by a certificate that anchor pins (its current one, or
 * its next one during a key rotation: the registry every security server trusts); the restored directory must open with the PIN before it
 * is moved into place, and nothing is left behind otherwise.
 */
public final class RegistryBackup {

    /** The component name in the archive's header. */
    public static final String COMPONENT = "central-registry";
    private static final String DATABASE_FILE = RegistryHome.DATABASE + ".mv.db";

    private RegistryBackup() {
    }

    /** What {@link #restore} brought back. */
    public record Restored(String instance, Instant createdAt, List<String> files) {
    }

    /** The sealed archive of the registry in {@code dir} (which may be running). */
    public static byte[] create(Path dir, Pin pin, char[] passphrase, Provider provider, SecureRandom random,
                                Clock clock) throws RegistryException {
        try {
            RegistrySettings settings = RegistrySettings.load(dir);
            X509Certificate certificate = Pem.readCertificate(dir.resolve(RegistryHome.SIGNING_CERT_FILE));
            SoftwareToken token = SoftwareToken.open(dir.resolve(RegistryHome.TOKEN_FILE), pin, provider, random, clock);
            List<String> names = new java.util.ArrayList<>(List.of(RegistrySettings.FILE, RegistryHome.TOKEN_FILE,
                    RegistryHome.SIGNING_CERT_FILE));
            for (String rotation : List.of(RegistryHome.NEXT_SIGNING_CERT_FILE, RegistryHome.PREVIOUS_SIGNING_CERT_FILE)) {
                if (java.nio.file.Files.exists(dir.resolve(rotation))) {
                    names.add(rotation);
                }
            }
            Map<String, byte[]> files = new LinkedHashMap<>(ComponentBackup.read(dir, names));
            try (Database database = settings.database().open(dir.resolve(RegistryHome.DATABASE),
                    RegistryHome.DATABASE_NAME)) {
                files.put(DATABASE_FILE, ComponentBackup.copyOf(database));
            }
            return BackupArchive.seal(COMPONENT, settings.instance(), files, passphrase,
                    token.signingKey(SoftwareToken.keyId(certificate.getPublicKey())), certificate, random, clock);
        } catch (ConfigException | TokenException | BackupException | StoreException e) {
            throw RegistryException.badRequest("cannot back up the registry in " + dir + ": " + e.getMessage());
        } catch (IOException | CertificateException e) {
            throw RegistryException.badRequest("cannot back up the registry in " + dir + ": its "
                    + RegistryHome.SIGNING_CERT_FILE + " cannot be read: " + e.getMessage());
        }
    }

    /** Restores the archive into {@code dir} (new or empty) as the registry {@code anchor} trusts. */
    public static Restored restore(byte[] archive, Path dir, Anchor anchor, char[] passphrase, Pin pin,
                                   Provider provider, SecureRandom random, Clock clock) throws RegistryException {
        try {
            BackupArchive.Verified verified = BackupArchive.verify(archive, provider);
            BackupArchive.Header header = verified.header();
            if (!header.component().equals(COMPONENT)) {
                throw RegistryException.badRequest("the archive is a backup of a " + header.component()
                        + ", not of a central registry");
            }
            if (!header.identity().equals(anchor.instance())) {
                throw RegistryException.badRequest("the archive is a backup of the registry of instance "
                        + header.identity() + ", not of " + anchor.instance() + " (the anchor's)");
            }
            String signer = Base64.getEncoder().encodeToString(header.signer().getEncoded());
            if (!anchor.signingCertificates().contains(signer)) {
                throw RegistryException.badRequest("the archive is signed by " + header.signer()
                        .getSubjectX500Principal() + ", not by a configuration signing certificate the anchor pins;"
                        + " it is another registry's");
            }
            try {
                ComponentBackup.requireEmpty(dir);
            } catch (BackupException e) {
                throw RegistryException.conflict(e.getMessage());
            }
            Map<String, byte[]> files = verified.open(passphrase);
            ComponentBackup.restoreInto(files, dir, staged -> {
                try (RegistryHome home = RegistryHome.open(staged, pin, provider, random, clock)) {
                    if (!home.signingCertificate().equals(header.signer())) {
                        throw new BackupException("its " + RegistryHome.SIGNING_CERT_FILE
                                + " is not the certificate that signed it");
                    }
                } catch (RegistryException e) {
                    throw new BackupException(e.getMessage(), e);
                }
            });
            return new Restored(header.identity(), header.createdAt(), List.copyOf(files.keySet()));
        } catch (BackupException e) {
            throw RegistryException.badRequest("archive refused: " + e.getMessage());
        } catch (CertificateEncodingException e) {
            throw RegistryException.badRequest("archive refused: its certificate cannot be encoded: " + e.getMessage());
        }
    }
}
