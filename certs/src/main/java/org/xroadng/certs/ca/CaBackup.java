package org.xroadng.certs.ca;

import java.io.IOException;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
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
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;

/**
 * {@code xroad ca backup|restore}: the CA's settings, its token (CA, OCSP responder and TSA keys,
 * still under its PIN), their certificates and an online H2 copy of the issued-certificate
 * database, as one {@link BackupArchive} signed with the CA key.
 *
 * <p>Guarantees of {@link #restore}: the signature is checked first; the archive must be signed by
 * the CA certificate given (the one the network trusts: the registry's approved CA); the restored
 * directory must open with the PIN before it is moved into place, and nothing is left otherwise.
 */
public final class CaBackup {

    /** The component name in the archive's header. */
    public static final String COMPONENT = "certificate-authority";
    private static final String DATABASE_FILE = CertificateAuthority.DATABASE + ".mv.db";

    private CaBackup() {
    }

    /** What {@link #restore} brought back. */
    public record Restored(String name, Instant createdAt, List<String> files) {
    }

    /** The sealed archive of the CA in {@code dir} (which may be running). */
    public static byte[] create(Path dir, Pin pin, char[] passphrase, Provider provider, SecureRandom random,
                                Clock clock) throws CaException {
        try {
            CaSettings settings = CaSettings.load(dir);
            X509Certificate root = Pem.readCertificate(dir.resolve(CertificateAuthority.CA_CERT_FILE));
            SoftwareToken token = SoftwareToken.open(dir.resolve(CertificateAuthority.TOKEN_FILE), pin, provider,
                    random, clock);
            Map<String, byte[]> files = new LinkedHashMap<>(ComponentBackup.read(dir, List.of(CaSettings.FILE,
                    CertificateAuthority.TOKEN_FILE, CertificateAuthority.CA_CERT_FILE,
                    CertificateAuthority.OCSP_CERT_FILE, CertificateAuthority.TSA_CERT_FILE)));
            try (Database database = settings.database().open(dir.resolve(CertificateAuthority.DATABASE),
                    CertificateStore.DATABASE_NAME)) {
                files.put(DATABASE_FILE, ComponentBackup.copyOf(database));
            }
            return BackupArchive.seal(COMPONENT, root.getSubjectX500Principal().getName(), files, passphrase,
                    token.signingKey(SoftwareToken.keyId(root.getPublicKey())), root, random, clock);
        } catch (ConfigException | TokenException | BackupException | StoreException e) {
            throw new CaException("cannot back up the CA in " + dir + ": " + e.getMessage(), e);
        } catch (IOException | CertificateException e) {
            throw new CaException("cannot back up the CA in " + dir + ": its " + CertificateAuthority.CA_CERT_FILE
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Restores the archive into {@code dir} (new or empty) as the CA whose certificate is {@code caCertificate}. */
    public static Restored restore(byte[] archive, Path dir, X509Certificate caCertificate, char[] passphrase, Pin pin,
                                   Provider provider, SecureRandom random, Clock clock) throws CaException {
        try {
            BackupArchive.Verified verified = BackupArchive.verify(archive, provider);
            BackupArchive.Header header = verified.header();
            if (!header.component().equals(COMPONENT)) {
                throw new CaException("the archive is a backup of a " + header.component() + ", not of a CA");
            }
            if (!header.signer().equals(caCertificate)) {
                throw new CaException("the archive is a backup of the CA " + header.identity() + ", signed by its key;"
                        + " expected the CA " + caCertificate.getSubjectX500Principal().getName()
                        + " (the certificate given): it is another CA's");
            }
            ComponentBackup.requireEmpty(dir);
            Map<String, byte[]> files = verified.open(passphrase);
            ComponentBackup.restoreInto(files, dir, staged -> {
                try (CertificateAuthority ca = CertificateAuthority.open(staged, pin, provider, random, clock)) {
                    if (!ca.caCertificate().equals(caCertificate)) {
                        throw new BackupException("its " + CertificateAuthority.CA_CERT_FILE
                                + " is not the CA certificate given");
                    }
                } catch (CaException e) {
                    throw new BackupException(e.getMessage(), e);
                }
            });
            return new Restored(header.identity(), header.createdAt(), List.copyOf(files.keySet()));
        } catch (BackupException e) {
            throw new CaException("archive refused: " + e.getMessage(), e);
        }
    }
}
