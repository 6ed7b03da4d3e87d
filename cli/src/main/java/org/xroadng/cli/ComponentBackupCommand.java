package org.xroadng.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.xroadng.certs.Pem;
import org.xroadng.certs.backup.BackupArchive;
import org.xroadng.certs.ca.CaBackup;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.registry.RegistryBackup;
import org.xroadng.registry.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad registry backup|restore} and {@code xroad ca backup|restore}. */
final class ComponentBackupCommand {

    private ComponentBackupCommand() {
    }

    private static void write(Services services, Path out, byte[] archive, String what) {
        try {
            Files.write(out, archive);
        } catch (IOException e) {
            throw new UserError("cannot write the archive " + out + ": " + CaCommand.describe(e), e);
        }
        services.out().printf("backup of %s written to %s (%,d bytes, SHA-256 %s)%n", what, out, archive.length,
                BackupArchive.fingerprint(archive));
    }

    private static void requireNew(Path out) {
        if (Files.exists(out)) {
            throw new UserError(out + " exists; choose a new file for the archive");
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write one encrypted archive, signed with the configuration signing key, of the registry's"
                    + " settings, token, signing certificate and database; the registry may be running.")
    static final class RegistryBackupCase implements Runnable {
        private final Services services;

        @Mixin
        RegistryCommand.RegistryDir registry;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the archive")
        Path out;

        @Mixin
        BackupOptions backup;

        RegistryBackupCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            requireNew(out);
            try {
                byte[] archive = RegistryBackup.create(registry.dir, registry.pin.pin(services, "registry token"),
                        backup.passphrase(services), services.provider(), services.random(), services.clock());
                write(services, out, archive, "the registry in " + registry.dir);
            } catch (RegistryException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore the registry from its archive into a new or empty directory: refused unless it is"
                    + " signed by the configuration signing certificate the anchor pins, unchanged, and opens.")
    static final class RegistryRestoreCase implements Runnable {
        private final Services services;

        @Mixin
        RegistryCommand.RegistryDir registry;

        @Option(names = "--archive", required = true, paramLabel = "FILE", description = "The archive from 'backup'")
        Path archive;

        @Option(names = "--anchor", required = true, paramLabel = "FILE",
                description = "The anchor the security servers trust: the archive must be that registry's")
        Path anchorFile;

        @Mixin
        BackupOptions backup;

        RegistryRestoreCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            Anchor anchor;
            try {
                anchor = AnchorFile.read(anchorFile);
            } catch (ConfigurationException e) {
                throw new UserError(e.getMessage(), e);
            }
            try {
                RegistryBackup.Restored restored = RegistryBackup.restore(CaCommand.read(archive, "archive"),
                        registry.dir, anchor, backup.passphrase(services), registry.pin.pin(services, "registry token"),
                        services.provider(), services.random(), services.clock());
                services.out().printf("registry of %s restored in %s from its backup of %s (%d files)%n",
                        restored.instance(), registry.dir, restored.createdAt(), restored.files().size());
            } catch (RegistryException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write one encrypted archive, signed with the CA key, of the CA's settings, token (CA, OCSP"
                    + " and TSA keys), certificates and database of issued certificates; the CA may be running.")
    static final class CaBackupCase implements Runnable {
        private final Services services;

        @Mixin
        CaCommand.CaDir ca;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the archive")
        Path out;

        @Mixin
        BackupOptions backup;

        CaBackupCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            requireNew(out);
            try {
                byte[] archive = CaBackup.create(ca.dir, ca.pin.pin(services, "CA token"), backup.passphrase(services),
                        services.provider(), services.random(), services.clock());
                write(services, out, archive, "the CA in " + ca.dir);
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore the CA from its archive into a new or empty directory: refused unless it is signed"
                    + " by the CA certificate given, unchanged, and opens.")
    static final class CaRestoreCase implements Runnable {
        private final Services services;

        @Mixin
        CaCommand.CaDir ca;

        @Option(names = "--archive", required = true, paramLabel = "FILE", description = "The archive from 'backup'")
        Path archive;

        @Option(names = "--ca-cert", required = true, paramLabel = "FILE",
                description = "The CA certificate (PEM) the network trusts: the archive must be that CA's")
        Path caCert;

        @Mixin
        BackupOptions backup;

        CaRestoreCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            X509Certificate certificate;
            try {
                certificate = Pem.certificates(new String(CaCommand.read(caCert, "CA certificate"),
                        StandardCharsets.US_ASCII)).get(0);
            } catch (CertificateException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new UserError(caCert + " is not a PEM certificate: " + e.getMessage());
            }
            try {
                CaBackup.Restored restored = CaBackup.restore(CaCommand.read(archive, "archive"), ca.dir, certificate,
                        backup.passphrase(services), ca.pin.pin(services, "CA token"), services.provider(),
                        services.random(), services.clock());
                services.out().printf("CA %s restored in %s from its backup of %s (%d files)%n", restored.name(),
                        ca.dir, restored.createdAt(), restored.files().size());
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
