package org.xroadng.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.xroadng.protocol.store.DatabaseSettings;
import picocli.CommandLine.Option;

/**
 * Where a new component keeps its tables: the embedded H2 files by default, or the PostgreSQL
 * database these options name. {@code init} writes them into the component's YAML file
 * ({@code databaseUrl}, {@code databaseUser}, {@code databasePasswordFile}); the password stays in
 * its file, never on the command line.
 */
public final class DatabaseOptions {

    @Option(names = "--database-url", paramLabel = "JDBC-URL",
            description = "A PostgreSQL database for the tables, e.g. jdbc:postgresql://db.example:5432/xroad"
                    + " (default: H2 files in the directory)")
    String url;

    @Option(names = "--database-user", paramLabel = "ROLE", description = "The PostgreSQL role (with --database-url)")
    String user;

    @Option(names = "--database-password-file", paramLabel = "FILE",
            description = "File holding the role's password (with --database-url)")
    Path passwordFile;

    DatabaseSettings settings() {
        if (url == null) {
            if (user != null || passwordFile != null) {
                throw new UserError((user != null ? "--database-user" : "--database-password-file")
                        + " was given without --database-url; give all three for PostgreSQL, or none for the"
                        + " embedded H2 files");
            }
            return DatabaseSettings.embedded();
        }
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw new UserError("--database-password-file " + passwordFile + " does not exist or cannot be read");
        }
        try {
            return DatabaseSettings.postgresql(url, user, passwordFile, DatabaseSettings.COMMAND_LINE);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
