package org.xroadng.protocol.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;

/**
 * Where a component keeps its tables: H2 files in its own directory (the default, nothing to
 * configure), or a PostgreSQL database named by three keys of its YAML file:
 *
 * <pre>
 * databaseUrl: jdbc:postgresql://db.example:5432/xroad
 * databaseUser: xroad
 * databasePasswordFile: db-password    # relative to the YAML file; the password itself is never in it
 * </pre>
 *
 * <p>On PostgreSQL each of the component's databases (a security server has three: its
 * configuration, its message log and its access log) is a schema of that database, named after it
 * and created by the first start. Every refusal names the file and the key.
 */
public final class DatabaseSettings {

    public static final String URL_KEY = "databaseUrl";
    public static final String USER_KEY = "databaseUser";
    public static final String PASSWORD_FILE_KEY = "databasePasswordFile";
    /** The keys a component's YAML file accepts for its database. */
    public static final Set<String> KEYS = Set.of(URL_KEY, USER_KEY, PASSWORD_FILE_KEY);

    /** The source of settings given as {@code init} options: refusals then name the option, not the key. */
    public static final String COMMAND_LINE = "the command line";

    private static final String URL_PREFIX = "jdbc:postgresql://";
    private static final DatabaseSettings EMBEDDED = new DatabaseSettings(null, null, null, null);

    private final String url;
    private final String user;
    private final Path passwordFile;
    private final String source;

    private DatabaseSettings(String url, String user, Path passwordFile, String source) {
        this.url = url;
        this.user = user;
        this.passwordFile = passwordFile;
        this.source = source;
    }

    /** H2 files in the component's directory. */
    public static DatabaseSettings embedded() {
        return EMBEDDED;
    }

    /**
     * A PostgreSQL database. {@code source} names where the values came from (a file, a command
     * line), for the messages that refuse them.
     */
    public static DatabaseSettings postgresql(String url, String user, Path passwordFile, String source) {
        String problem = urlProblem(url);
        if (problem != null) {
            throw new IllegalArgumentException(where(source, URL_KEY) + "'" + url + "'; " + problem);
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException(where(source, USER_KEY) + "missing; expected the PostgreSQL role");
        }
        if (passwordFile == null) {
            throw new IllegalArgumentException(where(source, PASSWORD_FILE_KEY)
                    + "missing; expected a file holding the PostgreSQL password");
        }
        return new DatabaseSettings(url, user, passwordFile.toAbsolutePath(), source);
    }

    /** The three keys of {@code file}: all of them, or none for the embedded default. */
    public static DatabaseSettings read(ConfigFile file) throws ConfigException {
        Optional<String> url = file.optionalString(URL_KEY);
        Optional<String> user = file.optionalString(USER_KEY);
        Optional<String> password = file.optionalString(PASSWORD_FILE_KEY);
        if (url.isEmpty()) {
            if (user.isPresent() || password.isPresent()) {
                throw new ConfigException(file.file() + ": key '" + (user.isPresent() ? USER_KEY : PASSWORD_FILE_KEY)
                        + "' is set without '" + URL_KEY + "'; set all three database keys, or none for the"
                        + " embedded H2 files");
            }
            return EMBEDDED;
        }
        String problem = urlProblem(url.get());
        if (problem != null) {
            throw new ConfigException(file.file() + ": key '" + URL_KEY + "' is '" + url.get() + "'; " + problem);
        }
        if (user.isEmpty()) {
            throw new ConfigException(file.file() + ": key '" + USER_KEY + "' is missing; expected the PostgreSQL"
                    + " role to connect as");
        }
        if (password.isEmpty()) {
            throw new ConfigException(file.file() + ": key '" + PASSWORD_FILE_KEY + "' is missing; expected a file"
                    + " that holds the PostgreSQL password (the password itself never goes in " + file.file()
                    + ")");
        }
        Path base = file.file().toAbsolutePath().getParent();
        Path passwordFile = base.resolve(password.get());
        if (!Files.isReadable(passwordFile)) {
            throw new ConfigException(file.file() + ": key '" + PASSWORD_FILE_KEY + "' names " + passwordFile
                    + ", which does not exist or cannot be read; expected a file holding the PostgreSQL password");
        }
        return new DatabaseSettings(url.get(), user.get(), passwordFile, file.file().toString());
    }

    /** How a refusal names setting {@code key} from {@code source}: the file and key, or the option. */
    static String where(String source, String key) {
        if (COMMAND_LINE.equals(source)) {
            return "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT) + ": ";
        }
        return source + ": key '" + key + "': ";
    }

    private static String urlProblem(String url) {
        if (url == null || !url.startsWith(URL_PREFIX) || url.length() == URL_PREFIX.length()) {
            return "expected a PostgreSQL JDBC URL such as jdbc:postgresql://db.example:5432/xroad (leave the"
                    + " database keys out for the embedded H2 files)";
        }
        return null;
    }

    public boolean isEmbedded() {
        return url == null;
    }

    /** The PostgreSQL URL, if configured. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /**
     * Opens the component database {@code name}: the H2 file {@code h2File} when embedded, else
     * the schema {@code name} of the PostgreSQL database.
     */
    public Database open(Path h2File, String name) {
        return open(h2File, name, name);
    }

    /**
     * As {@link #open(Path, String)}, with the PostgreSQL schema named {@code schema} (migrated as
     * {@code name}): for a database each node of a clustered server keeps for itself.
     */
    public Database open(Path h2File, String name, String schema) {
        if (isEmbedded()) {
            return Database.open(h2File, name);
        }
        return Database.open(new Database.Target(url, user, password(), name, schema, source));
    }

    /**
     * As {@link #open(Path, String, String)}, for tables that index a journal durable by itself: the
     * embedded H2 file writes commits in the background ({@link Database#openBehindJournal}).
     */
    public Database openBehindJournal(Path h2File, String name, String schema) {
        if (isEmbedded()) {
            return Database.openBehindJournal(h2File, name);
        }
        return open(h2File, name, schema);
    }

    private String password() {
        try {
            String text = Files.readString(passwordFile);
            // a file written by `echo` ends with a line break that is not part of the password
            return text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                    : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new StoreException(source + ": key '" + PASSWORD_FILE_KEY + "': " + passwordFile
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The keys to write back into the component's YAML file (none when embedded). */
    public Map<String, Object> yaml(Path configDir) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (!isEmbedded()) {
            values.put(URL_KEY, url);
            values.put(USER_KEY, user);
            Path dir = configDir.toAbsolutePath();
            values.put(PASSWORD_FILE_KEY, passwordFile.startsWith(dir) ? dir.relativize(passwordFile).toString()
                    : passwordFile.toString());
        }
        return values;
    }

    @Override
    public String toString() {
        return isEmbedded() ? "embedded H2" : url + " as " + user;
    }
}
