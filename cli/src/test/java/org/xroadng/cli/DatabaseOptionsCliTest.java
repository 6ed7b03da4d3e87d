package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.store.TestPostgres;

/**
 * {@code --database-url}, {@code --database-user} and {@code --database-password-file} of the
 * {@code init} commands, against a real PostgreSQL server: a CA and a registry made on it keep
 * their tables there and open again from their YAML files; every wrong option is one line on
 * stderr naming the option, exit code 1, and an empty directory.
 */
class DatabaseOptionsCliTest {

    @TempDir
    Path dir;

    private final CliRunner xroad = new CliRunner(Map.of(PinOptions.ENV, "test-pin-1234"));
    private final TestPostgres postgres = TestPostgres.shared();

    private Path passwordFile(String password) throws IOException {
        return Files.writeString(dir.resolve("db-password"), password + "\n");
    }

    @Test
    void caAndRegistryOnPostgres_recordTheSettingsAndReopen() throws IOException {
        String url = postgres.url(postgres.createDatabase());
        String password = passwordFile(TestPostgres.PASSWORD).toString();
        CliRunner.Run ca = xroad.run("ca", "init", "--dir", dir.resolve("ca").toString(), "--name", "Test CA",
                "--url", "http://127.0.0.1:8899", "--database-url", url, "--database-user", TestPostgres.ROLE,
                "--database-password-file", password);
        assertEquals(0, ca.exitCode(), ca.err());
        CliRunner.Run registry = xroad.run("registry", "init", "--dir", dir.resolve("registry").toString(),
                "--instance", "DEMO", "--url", "http://127.0.0.1:8900", "--database-url", url, "--database-user",
                TestPostgres.ROLE, "--database-password-file", password);
        assertEquals(0, registry.exitCode(), registry.err());

        String yaml = Files.readString(dir.resolve("ca").resolve("ca.yaml"));
        assertTrue(yaml.contains("databaseUrl: \"" + url + "\""), yaml);
        assertFalse(yaml.contains(TestPostgres.PASSWORD), "the password stays in its file");
        assertFalse(Files.exists(dir.resolve("ca").resolve("ca.mv.db")), "no H2 file");
        assertFalse(Files.exists(dir.resolve("registry").resolve("registry.mv.db")), "no H2 file");

        // opened again from ca.yaml: the records issued at init are in PostgreSQL
        CliRunner.Run list = xroad.run("ca", "list", "--dir", dir.resolve("ca").toString());
        assertEquals(0, list.exitCode(), list.err());
        assertTrue(list.out().contains("ocsp") && list.out().contains("tsa"), list.out());
    }

    @Test
    void wrongDatabaseOptions_oneLineEachAndNothingCreated() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String database = postgres.createDatabase();
        String good = passwordFile(TestPostgres.PASSWORD).toString();
        Path wrong = Files.writeString(dir.resolve("wrong-password"), "wrong\n");
        List<List<String>> cases = List.of(
                List.of("--database-url", "jdbc:postgresql://127.0.0.1:" + closed + "/x", "--database-user", "xroad",
                        "--database-password-file", good),
                List.of("--database-url", postgres.url(database), "--database-user", "xroad",
                        "--database-password-file", wrong.toString()),
                List.of("--database-url", "jdbc:mysql://127.0.0.1/x", "--database-user", "xroad",
                        "--database-password-file", good),
                List.of("--database-user", "xroad"),
                List.of("--database-url", postgres.url(database), "--database-user", "xroad",
                        "--database-password-file", dir.resolve("missing").toString()));
        List<String> expected = List.of(
                "--database-url: cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:" + closed + "/x",
                "--database-password-file: PostgreSQL refused the password of role 'xroad'",
                "--database-url: 'jdbc:mysql://127.0.0.1/x'; expected a PostgreSQL JDBC URL",
                "--database-user was given without --database-url",
                "--database-password-file " + dir.resolve("missing") + " does not exist or cannot be read");
        for (int i = 0; i < cases.size(); i++) {
            Path serverDir = dir.resolve("ss" + i);
            List<String> args = new java.util.ArrayList<>(List.of("server", "init", "--dir", serverDir.toString(),
                    "--server-id", "DEMO/GOV/1001/ss1", "--anchor", dir.resolve("anchor.json").toString()));
            args.addAll(cases.get(i));
            Files.writeString(dir.resolve("anchor.json"), anchor());
            CliRunner.Run run = xroad.run(args.toArray(String[]::new));
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains(expected.get(i)), run.err());
            assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
            assertFalse(run.err().contains("wrong") || run.err().contains(TestPostgres.PASSWORD), "no password shown");
            try (Stream<Path> left = Files.exists(serverDir) ? Files.list(serverDir) : Stream.empty()) {
                assertEquals(List.of(), left.toList(), "nothing written for case " + i);
            }
        }
    }

    /** A registry anchor for `server init` to accept: made by a real registry in the test directory. */
    private String anchor() throws IOException {
        Path registry = dir.resolve("anchor-registry");
        if (!Files.exists(registry)) {
            CliRunner.Run init = xroad.run("registry", "init", "--dir", registry.toString(), "--instance", "DEMO",
                    "--url", "http://127.0.0.1:8900");
            assertEquals(0, init.exitCode(), init.err());
            CliRunner.Run anchor = xroad.run("registry", "anchor", "--dir", registry.toString(), "--out",
                    dir.resolve("anchor.json").toString());
            assertEquals(0, anchor.exitCode(), anchor.err());
        }
        return Files.readString(dir.resolve("anchor.json"));
    }
}
