package org.xroadng.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where a backup or restore command gets the archive's passphrase: {@code --passphrase-file},
 * else {@code XROAD_BACKUP_PASSPHRASE}, else a prompt; never a command-line argument.
 */
final class BackupOptions {

    static final String ENV = "XROAD_BACKUP_PASSPHRASE";

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "File whose first line is the backup passphrase (otherwise $" + ENV + ", otherwise a prompt)")
    Path passphraseFile;

    char[] passphrase(Services services) {
        if (passphraseFile != null) {
            try {
                return Files.readString(passphraseFile, StandardCharsets.UTF_8).lines().findFirst().orElse("")
                        .toCharArray();
            } catch (IOException e) {
                throw new UserError("cannot read the passphrase file " + passphraseFile + ": " + e.getMessage());
            }
        }
        var fromEnv = services.env(ENV);
        if (fromEnv.isPresent()) {
            return fromEnv.get().toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw new UserError("no backup passphrase: give --passphrase-file FILE or set " + ENV);
        }
        char[] typed = console.readPassword("Backup passphrase: ");
        if (typed == null) {
            throw new UserError("no passphrase was entered");
        }
        return typed;
    }
}
