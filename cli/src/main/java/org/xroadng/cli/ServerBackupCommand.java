package org.xroadng.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.xroadng.certs.backup.BackupArchive;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.backup.ServerBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad server backup} and {@code xroad server restore}: one encrypted, signed archive of a server. */
final class ServerBackupCommand {

    private ServerBackupCommand() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write one encrypted archive, signed with the server's authentication key, of its"
                    + " configuration, anchor, software token, HSM token settings (never HSM keys), configuration"
                    + " database and access log; the server may be running. The message log is not in it.")
    static final class Backup implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path dir;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the archive")
        Path out;

        @Mixin
        PinOptions pin;

        @Mixin
        BackupOptions backup;

        Backup(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (Files.exists(out)) {
                throw new UserError(out + " exists; choose a new file for the archive");
            }
            char[] passphrase = backup.passphrase(services);
            try (ServerHome home = ServerHome.open(dir, pin.pin(services, "server token"), services::env,
                    services.provider(), services.random(), services.clock())) {
                byte[] archive = ServerBackup.create(home, passphrase, services.provider(), services.random(),
                        services.clock());
                Files.write(out, archive);
                services.out().printf("backup of %s written to %s (%,d bytes, SHA-256 %s)%n", home.settings().serverId(),
                        out, archive.length, BackupArchive.fingerprint(archive));
            } catch (ServerException e) {
                throw new UserError(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserError("cannot write the archive " + out + ": " + CaCommand.describe(e), e);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore a server from its archive into a new or empty directory: refused when the archive"
                    + " was changed, is another server's, or the passphrase or PIN is wrong; nothing is written then.")
    static final class Restore implements Runnable {
        private final Services services;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The new server directory")
        Path dir;

        @Option(names = "--archive", required = true, paramLabel = "FILE", description = "The archive from 'backup'")
        Path archive;

        @Option(names = "--server-id", required = true, paramLabel = "ID",
                description = "The server being restored, INSTANCE/CLASS/MEMBER/SERVERCODE: the archive must be its own")
        String serverId;

        @Mixin
        PinOptions pin;

        @Mixin
        BackupOptions backup;

        Restore(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            SecurityServerId id = CaCommand.parse("--server-id", () -> SecurityServerId.parse(serverId));
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(archive);
            } catch (NoSuchFileException e) {
                throw new UserError("archive " + archive + " does not exist");
            } catch (IOException e) {
                throw new UserError("cannot read the archive " + archive + ": " + CaCommand.describe(e), e);
            }
            try {
                ServerBackup.Restored restored = ServerBackup.restore(bytes, dir, id, backup.passphrase(services),
                        pin.pin(services, "server token"), services::env, services.provider(), services.random(),
                        services.clock());
                services.out().printf("security server %s restored in %s from its backup of %s (%d files); start it"
                        + " with xroad server serve --dir %s%n", restored.serverId(), dir, restored.createdAt(),
                        restored.files().size(), dir);
            } catch (ServerException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
