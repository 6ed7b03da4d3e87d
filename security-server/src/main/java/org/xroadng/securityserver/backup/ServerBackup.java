package org.xroadng.securityserver.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.certs.backup.BackupArchive;
import org.xroadng.certs.backup.BackupException;
import org.xroadng.certs.backup.ComponentBackup;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.profile.ProfileException;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.StoreException;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.keys.HsmToken;

/**
 * {@code xroad server backup|restore}: a security server's identity and configuration as one
 * {@link BackupArchive}, signed with its authentication key and encrypted under a passphrase.
 *
 * <p>The archive holds {@code server.yaml} (naming the anchor {@code anchor.json} beside it), the
 * anchor, the software token {@code token.p12} (still protected by the server's PIN), the HSM
 * token configurations {@code tokens/*.yaml} (never an HSM key: those stay in the HSM, which the
 * restored server must reach; nor PIN files), and consistent copies of the configuration database
 * and the access log made by H2 while the server runs. The message log is not in it: it is
 * evidence kept by its own archives ({@code xroad messagelog archive}); a restored server starts a
 * new one. A server whose tables are in PostgreSQL is refused: back those up with the database's
 * tools.
 *
 * <p>Guarantees of {@link #restore}: the archive's signature is checked first, then that it names
 * the server expected and is signed by a key certified as that server's authentication key; the
 * files are written into a directory beside the target and moved into place only after the
 * restored server opened with the PIN and its token holds that very key, so a refused or failed
 * restore leaves nothing behind.
 */
public final class ServerBackup {

    /** The component name in the archive's header. */
    public static final String COMPONENT = "security-server";
    private static final String CONFIGURATION_DATABASE = "server.mv.db";
    private static final String ACCESS_LOG_DATABASE = ServerHome.ACCESS_LOG_FILE + ".mv.db";
    private static final String ANCHOR = "anchor.json";

    private ServerBackup() {
    }

    /** The sealed archive of the server in {@code home}. */
    public static byte[] create(ServerHome home, char[] passphrase, Provider provider, SecureRandom random, Clock clock)
            throws ServerException {
        ServerSettings settings = home.settings();
        if (!settings.database().isEmbedded()) {
            throw ServerException.badRequest("the tables of " + settings.serverId() + " are in PostgreSQL; this backup"
                    + " holds a server's H2 files only: back the database up with its own tools (pg_dump) instead");
        }
        X509Certificate authCertificate = home.keys().authCertificate().orElseThrow(() -> ServerException.badRequest(
                "the server has no authentication certificate yet, so nothing could prove the backup is its own;"
                        + " import it first (xroad server import-cert)"));
        Path dir = home.dir();
        Path work = null;
        try {
            work = Files.createTempDirectory("xroad-backup");
            ServerSettings relocated = new ServerSettings(settings.serverId(), Path.of(ANCHOR), settings.clientProxy(),
                    settings.clientProxyTls(), settings.serverProxy(), settings.serverAddress(), settings.admin(),
                    settings.maxBodyBytes(), settings.globalConfRefreshSeconds(), settings.ocspRefreshSeconds(),
                    settings.messageLogDurability(), settings.checkpointIntervalSeconds(), settings.idleTimeoutSeconds(),
                    settings.headerTimeoutSeconds(), settings.maxConnections(), settings.maxBytesInFlight(),
                    settings.messageSignatures(), settings.database());
            relocated.save(work);
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(ServerSettings.FILE, Files.readAllBytes(work.resolve(ServerSettings.FILE)));
            files.put(ANCHOR, Files.readAllBytes(settings.anchorFile(dir)));
            List<String> names = new ArrayList<>(List.of(ServerHome.TOKEN_FILE));
            for (HsmToken token : HsmToken.loadAll(dir)) {
                names.add(HsmToken.DIR + "/" + token.id() + ".yaml");
            }
            if (Files.exists(dir.resolve(org.xroadng.securityserver.keys.AcmeSettings.FILE))) {
                names.add(org.xroadng.securityserver.keys.AcmeSettings.FILE); // the EAB credentials for renewal
            }
            files.putAll(ComponentBackup.read(dir, names));
            files.put(CONFIGURATION_DATABASE, home.copyDatabase());
            if (Files.exists(dir.resolve(ACCESS_LOG_DATABASE))) {
                // as the running server's message log opens it, so that its write delay is left alone
                try (Database accessLog = settings.database().openBehindJournal(dir.resolve(ServerHome.ACCESS_LOG_FILE),
                        H2MerkleLog.DATABASE_NAME, H2MerkleLog.DATABASE_NAME)) {
                    files.put(ACCESS_LOG_DATABASE, ComponentBackup.copyOf(accessLog));
                }
            }
            return BackupArchive.seal(COMPONENT, settings.serverId().format(), files, passphrase,
                    home.keys().authSigningKey(), authCertificate, random, clock);
        } catch (IOException e) {
            throw ServerException.badRequest("cannot back up " + dir + ": " + e.getMessage());
        } catch (ConfigException | TokenException | BackupException | StoreException e) {
            throw ServerException.badRequest("cannot back up " + dir + ": " + e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    /** What {@link #restore} brought back. */
    public record Restored(SecurityServerId serverId, java.time.Instant createdAt, List<String> files) {
    }

    /**
     * Restores the archive into {@code dir}, which must not exist or be empty, as server
     * {@code expected}, checking as the class says; {@code pin} opens the restored software token
     * and {@code env} supplies HSM PINs configured as variables.
     */
    public static Restored restore(byte[] archive, Path dir, SecurityServerId expected, char[] passphrase, Pin pin,
                                   Function<String, Optional<String>> env, Provider provider, SecureRandom random,
                                   Clock clock) throws ServerException {
        BackupArchive.Verified verified;
        Map<String, byte[]> files;
        try {
            verified = BackupArchive.verify(archive, provider);
            BackupArchive.Header header = verified.header();
            if (!header.component().equals(COMPONENT)) {
                throw ServerException.badRequest("the archive is a backup of a " + header.component()
                        + ", not of a security server", COMPONENT, header.component());
            }
            if (!header.identity().equals(expected.format())) {
                throw ServerException.badRequest("the archive is a backup of security server " + header.identity()
                        + ", not of " + expected.format() + "; restore each server from its own archive",
                        expected.format(), header.identity());
            }
            XRoadId certified;
            try {
                certified = CertificateProfile.AUTH.identityOf(header.signer());
            } catch (ProfileException e) {
                throw ServerException.badRequest("the archive is not signed by a security server's authentication key: "
                        + e.getMessage());
            }
            if (!certified.equals(expected)) {
                throw ServerException.badRequest("the archive is signed by the authentication key of " + certified
                        + ", not of " + expected.format(), expected.format(), certified.format());
            }
            try {
                ComponentBackup.requireEmpty(dir);
            } catch (BackupException e) {
                throw ServerException.conflict(e.getMessage());
            }
            files = verified.open(passphrase);
        } catch (BackupException e) {
            throw ServerException.badRequest("archive refused: " + e.getMessage());
        }
        for (String required : List.of(ServerSettings.FILE, ANCHOR, ServerHome.TOKEN_FILE, CONFIGURATION_DATABASE)) {
            if (!files.containsKey(required)) {
                throw ServerException.badRequest("archive refused: it holds no " + required);
            }
        }
        String signerKey = SoftwareToken.keyId(verified.header().signer().getPublicKey());
        try {
            ComponentBackup.restoreInto(files, dir, staged -> {
                try {
                    SoftwareToken token = SoftwareToken.open(staged.resolve(ServerHome.TOKEN_FILE), pin, provider,
                            random, clock);
                    if (token.keys().stream().noneMatch(k -> k.keyId().equals(signerKey))) {
                        throw new BackupException("its token does not hold the key that signed it (" + signerKey + ")");
                    }
                    try (ServerHome home = ServerHome.open(staged, pin, env, provider, random, clock)) {
                        if (!home.settings().serverId().equals(expected)) {
                            throw new BackupException("its server.yaml names " + home.settings().serverId() + ", not "
                                    + expected.format());
                        }
                    }
                } catch (TokenException | ServerException e) {
                    throw new BackupException(e.getMessage(), e);
                }
            });
            return new Restored(expected, verified.header().createdAt(), List.copyOf(files.keySet()));
        } catch (BackupException e) {
            throw ServerException.badRequest("archive refused: " + e.getMessage());
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a left-over temporary directory is harmless; the next restore clears its staging directory
        }
    }
}
