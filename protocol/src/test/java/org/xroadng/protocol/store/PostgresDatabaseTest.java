package org.xroadng.protocol.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.protocol.config.ConfigFile;

/**
 * {@link Database} on a real PostgreSQL server ({@link TestPostgres}) and on H2 alike: the same
 * statements, keys and times on both; and every way the settings can be wrong is refused at open
 * with one line that names the key at fault, leaving the database as it was.
 */
class PostgresDatabaseTest {

    private static final String NAME = "storetest";
    private static final Instant NANOS = Instant.parse("2026-12-06T10:15:30.123456789Z");

    @TempDir
    Path dir;

    private final TestPostgres postgres = TestPostgres.shared();

    @Test
    void bothEngines_storeAndReadAlike() {
        for (Database db : List.of(postgres.newDatabase(dir).open(dir.resolve("unused"), NAME),
                Database.open(dir.resolve("h2"), NAME))) {
            try (db) {
                long first = db.inTransaction(c -> Jdbc.insert(c, "INSERT INTO item (label, at, payload) VALUES (?, ?, ?)",
                        "a", NANOS, new byte[] {1, 2, 3}));
                long second = db.inTransaction(c -> Jdbc.insert(c, "INSERT INTO item (label, at) VALUES (?, ?)",
                        "b", NANOS));
                assertEquals(first + 1, second, db.engine() + ": generated keys");
                Instant read = db.inTransaction(c -> Jdbc.queryOne(c, "SELECT at FROM item WHERE id = ?",
                        r -> Jdbc.instant(r, "at"), first)).orElseThrow();
                assertEquals(Instant.parse("2026-12-06T10:15:30.123456Z"), read,
                        db.engine() + ": times are kept to the microsecond, never rounded up");
                assertArrayEquals(new byte[] {1, 2, 3}, db.inTransaction(c -> Jdbc.queryOne(c,
                        "SELECT payload FROM item WHERE id = ?", r -> r.getBytes(1), first)).orElseThrow());
                assertThrows(StoreException.class, () -> db.inTransaction(c -> {
                    Jdbc.update(c, "UPDATE item SET label = 'c' WHERE label = 'a'");
                    return Jdbc.insert(c, "INSERT INTO item (label, at) VALUES (?, ?)", "b", NANOS);
                }), db.engine() + ": a refused change");
                assertEquals(1L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM item WHERE label = 'a'")),
                        db.engine() + ": the refused transaction left nothing behind");
                db.sync();
                db.flush();
            }
        }
    }

    @Test
    void schemaPerComponentDatabase_inOneDatabase() {
        DatabaseSettings settings = postgres.newDatabase(dir);
        try (Database items = settings.open(dir.resolve("unused"), NAME);
             Database rows = settings.open(dir.resolve("unused"), "faulttest")) {
            items.inTransaction(c -> Jdbc.insert(c, "INSERT INTO item (label, at) VALUES ('x', ?)", NANOS));
            rows.inTransaction(c -> Jdbc.update(c, "INSERT INTO row_value (id, payload) VALUES (1, 'y')"));
            assertEquals(1L, (long) items.inTransaction(c -> Jdbc.count(c,
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'storetest'"
                            + " AND table_name = 'item'")));
            assertEquals(1L, (long) rows.inTransaction(c -> Jdbc.count(c,
                    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'faulttest'"
                            + " AND table_name = 'row_value'")));
        }
        // opened again: migrated once, the rows are there
        try (Database items = settings.open(dir.resolve("unused"), NAME)) {
            assertEquals(1L, (long) items.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM item")));
        }
    }

    @Test
    void unreachableServer_refusedNamingTheUrl() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path password = Files.writeString(dir.resolve("pw"), TestPostgres.PASSWORD);
        DatabaseSettings settings = DatabaseSettings.postgresql("jdbc:postgresql://127.0.0.1:" + closed + "/x",
                TestPostgres.ROLE, password, "server.yaml");
        StoreException refused = assertThrows(StoreException.class, () -> settings.open(dir.resolve("h2"), NAME));
        assertTrue(refused.getMessage().startsWith("server.yaml: key 'databaseUrl': cannot reach PostgreSQL at"
                + " jdbc:postgresql://127.0.0.1:" + closed + "/x"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(dir.resolve("h2.mv.db")), "no H2 file in its place");
    }

    @Test
    void wrongPassword_refusedNamingThePasswordFile() throws IOException {
        String database = postgres.createDatabase();
        Path password = Files.writeString(dir.resolve("pw"), "not-the-password\n");
        DatabaseSettings settings = DatabaseSettings.postgresql(postgres.url(database), TestPostgres.ROLE, password,
                "server.yaml");
        StoreException refused = assertThrows(StoreException.class, () -> settings.open(dir.resolve("h2"), NAME));
        assertTrue(refused.getMessage().startsWith("server.yaml: key 'databasePasswordFile': PostgreSQL refused the"
                + " password of role 'xroad'"), refused.getMessage());
        assertFalse(refused.getMessage().contains("not-the-password"), "the password is never shown");
    }

    @Test
    void unknownRoleAndMissingDatabase_refusedNamingTheKey() throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), TestPostgres.PASSWORD);
        StoreException role = assertThrows(StoreException.class, () -> DatabaseSettings.postgresql(
                postgres.url(postgres.createDatabase()), "nobody", password, "ca.yaml").open(dir, NAME));
        assertTrue(role.getMessage().startsWith("ca.yaml: key 'databaseUser': PostgreSQL refused role 'nobody'")
                || role.getMessage().startsWith("ca.yaml: key 'databasePasswordFile'"), role.getMessage());
        StoreException missing = assertThrows(StoreException.class, () -> DatabaseSettings.postgresql(
                postgres.url("no_such_database"), TestPostgres.ROLE, password, "ca.yaml").open(dir, NAME));
        assertTrue(missing.getMessage().startsWith("ca.yaml: key 'databaseUrl': the database named in "
                + postgres.url("no_such_database") + " does not exist"), missing.getMessage());
    }

    @Test
    void newerSchema_refusedBeforeAnythingIsWritten() {
        DatabaseSettings settings = postgres.newDatabase(dir);
        String database = settings.url().orElseThrow().substring(settings.url().orElseThrow().lastIndexOf('/') + 1);
        try (Database db = settings.open(dir, NAME)) {
            db.inTransaction(c -> Jdbc.insert(c, "INSERT INTO item (label, at) VALUES ('kept', ?)", NANOS));
        }
        postgres.execute(database, "INSERT INTO storetest.flyway_schema_history (installed_rank, version, description,"
                + " type, script, checksum, installed_by, execution_time, success) VALUES (2, '2', 'from a newer"
                + " release', 'SQL', 'V2__newer.sql', 1, 'xroad', 1, true)");

        StoreException refused = assertThrows(StoreException.class, () -> settings.open(dir, NAME));
        assertEquals("test settings: key 'databaseUrl': the storetest database has schema version 2, newer than"
                + " this release knows (1); run the release that wrote it, or restore the backup taken before the"
                + " upgrade. Nothing was changed", refused.getMessage());
        postgres.execute(database, "DELETE FROM storetest.flyway_schema_history WHERE version = '2'");
        try (Database db = settings.open(dir, NAME)) {
            assertEquals(1L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM item")),
                    "the refused open changed nothing");
        }
    }

    @Test
    void newerH2Schema_refusedToo() {
        try (Database db = Database.open(dir.resolve("h2"), NAME)) {
            db.inTransaction(c -> Jdbc.update(c, "INSERT INTO \"flyway_schema_history\" (\"installed_rank\","
                    + " \"version\", \"description\", \"type\", \"script\", \"checksum\", \"installed_by\","
                    + " \"execution_time\", \"success\") VALUES (2, '2', 'newer', 'SQL', 'V2__newer.sql', 1, 'x', 1,"
                    + " TRUE)"));
        }
        StoreException refused = assertThrows(StoreException.class, () -> Database.open(dir.resolve("h2"), NAME));
        assertTrue(refused.getMessage().contains("has schema version 2, newer than this release knows (1)"),
                refused.getMessage());
    }

    @Test
    void settingsFromYaml_allThreeOrNone() throws IOException, ConfigException {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "other: 1\n");
        assertTrue(DatabaseSettings.read(ConfigFile.read(yaml, allowed())).isEmbedded());

        Files.writeString(dir.resolve("pw"), "secret\n");
        Files.writeString(yaml, "databaseUrl: jdbc:postgresql://db:5432/x\ndatabaseUser: xroad\n"
                + "databasePasswordFile: pw\n");
        DatabaseSettings read = DatabaseSettings.read(ConfigFile.read(yaml, allowed()));
        assertEquals("jdbc:postgresql://db:5432/x", read.url().orElseThrow());
        assertEquals("pw", read.yaml(dir).get("databasePasswordFile"), "written back relative to the directory");

        Files.writeString(yaml, "databaseUser: xroad\n");
        assertMessage(yaml, "key 'databaseUser' is set without 'databaseUrl'");
        Files.writeString(yaml, "databaseUrl: jdbc:mysql://db/x\ndatabaseUser: a\ndatabasePasswordFile: pw\n");
        assertMessage(yaml, "key 'databaseUrl' is 'jdbc:mysql://db/x'; expected a PostgreSQL JDBC URL");
        Files.writeString(yaml, "databaseUrl: jdbc:postgresql://db/x\ndatabasePasswordFile: pw\n");
        assertMessage(yaml, "key 'databaseUser' is missing");
        Files.writeString(yaml, "databaseUrl: jdbc:postgresql://db/x\ndatabaseUser: a\n");
        assertMessage(yaml, "key 'databasePasswordFile' is missing");
        Files.writeString(yaml, "databaseUrl: jdbc:postgresql://db/x\ndatabaseUser: a\ndatabasePasswordFile: nope\n");
        assertMessage(yaml, "key 'databasePasswordFile' names " + dir.resolve("nope").toAbsolutePath()
                + ", which does not exist or cannot be read");
    }

    private static Set<String> allowed() {
        Set<String> keys = new HashSet<>(DatabaseSettings.KEYS);
        keys.add("other");
        return keys;
    }

    private static void assertMessage(Path yaml, String expected) {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> DatabaseSettings.read(ConfigFile.read(yaml, allowed())));
        assertTrue(refused.getMessage().startsWith(yaml + ": " + expected), refused.getMessage());
    }
}
