package org.xroadng.protocol.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the storage tests: a cluster made with the installed
 * {@code initdb} in a temporary directory, started once per test JVM on a free port of
 * 127.0.0.1 with password authentication, and stopped when the JVM exits. Each test asks for a
 * database of its own ({@link #newDatabase}), owned by the role {@value #ROLE}.
 *
 * <p>PostgreSQL refuses to run as root, so under root (as in CI) its commands run as the
 * {@code postgres} user that Debian's package creates. A machine without PostgreSQL fails the
 * tests that need it, saying how to install it; {@code .ci/run} installs it.
 */
public final class TestPostgres {

    public static final String ROLE = "xroad";
    public static final String PASSWORD = "xroad-test-password";
    private static final String SUPERUSER = "postgres";
    private static final String SUPERUSER_PASSWORD = "superuser-test-password";

    private static TestPostgres shared;

    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();
    private final Map<Path, DatabaseSettings> perTest = new ConcurrentHashMap<>();

    private TestPostgres(Path dir, Path bin, int port, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (IOException | InterruptedException | SQLException e) {
                throw new IllegalStateException("cannot start the test PostgreSQL server: " + e.getMessage(), e);
            }
            TestPostgres server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-postgres-stop"));
        }
        return shared;
    }

    private static TestPostgres start() throws IOException, InterruptedException, SQLException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("xroad-test-pg");
        // the directory belongs to whoever runs the build: PostgreSQL refuses to run as root
        boolean root = "root".equals(Files.getOwner(dir).getName());
        Path data = dir.resolve("data");
        Path passwordFile = dir.resolve("superuser-password");
        Files.writeString(passwordFile, SUPERUSER_PASSWORD);
        if (root) {
            ownedByPostgres(dir);
            ownedByPostgres(passwordFile);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestPostgres server = new TestPostgres(dir, bin, port, root);
        server.run("initdb", "-D", data.toString(), "-U", SUPERUSER, "--pwfile=" + passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale");
        // fsync off: these databases are thrown away, and the tests should not wait for the disk
        server.run("pg_ctl", "-D", data.toString(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c max_connections=400", "start");
        try (Connection c = server.superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
        }
        return server;
    }

    private static Path binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(TestPostgres::majorVersion)).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "pg_ctl"))
                    && Files.isExecutable(Path.of(entry, "initdb"))) {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("PostgreSQL is not installed, and the storage tests run against a real"
                + " PostgreSQL server: install it (Debian: apt-get install postgresql; .ci/run does this)");
    }

    private static int majorVersion(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void ownedByPostgres(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(SUPERUSER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(SUPERUSER);
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    private void run(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("xroad-test-pg-" + tool, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .directory(dir.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(tool + " did not finish within 120 s");
        }
        String text = Files.readString(output);
        Files.deleteIfExists(output);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text);
        }
    }

    private Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(url(database), SUPERUSER, SUPERUSER_PASSWORD);
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new empty database owned by {@value #ROLE}; returns its name. */
    public String createDatabase() {
        String name = "test" + databases.incrementAndGet();
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /**
     * Settings for a new empty database owned by {@value #ROLE}, with its password in a file in
     * {@code dir}, as a component's YAML file would name them.
     */
    public DatabaseSettings newDatabase(Path dir) {
        String name = createDatabase();
        Path passwordFile = dir.resolve("db-password-" + name);
        try {
            Files.writeString(passwordFile, PASSWORD + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return DatabaseSettings.postgresql(url(name), ROLE, passwordFile, "test settings");
    }

    /** A connection as {@value #ROLE} to {@code settings}' database, in component database {@code schema}. */
    public static Connection connect(DatabaseSettings settings, String schema) throws SQLException {
        return DriverManager.getConnection(settings.url().orElseThrow() + "?currentSchema=" + schema, ROLE, PASSWORD);
    }

    /**
     * The database of the test whose temporary directory is {@code dir}: made by the first call
     * ({@link #newDatabase}), the same settings after. The storage tests' PostgreSQL variants
     * answer their {@code storage()} with it.
     */
    public DatabaseSettings databaseFor(Path dir) {
        return perTest.computeIfAbsent(dir, this::newDatabase);
    }

    /** Runs {@code sql} as the superuser in {@code database}. */
    public void execute(String database, String sql) {
        try (Connection c = superuser(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private void stop() {
        try {
            run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        } catch (IOException | InterruptedException e) {
            // the JVM is exiting; the directory is left for the operating system's temporary-file cleanup
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort, as above
        }
    }
}
