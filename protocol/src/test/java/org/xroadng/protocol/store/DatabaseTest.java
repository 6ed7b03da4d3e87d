package org.xroadng.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Database} opens an H2 file. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void h2File_hasAFourMegabytePageCache() {
        try (Database db = Database.open(dir.resolve("rows"), "faulttest")) {
            assertEquals("4096", setting(db, "CACHE_SIZE"), "H2's default is 16384 KB per file");
            assertEquals("0", setting(db, "WRITE_DELAY"), "every commit written before it returns");
        }
    }

    @Test
    void h2FileBehindAJournal_hasAOneMegabytePageCache_andWritesCommitsInTheBackground() {
        try (Database db = Database.openBehindJournal(dir.resolve("index"), "faulttest")) {
            assertEquals("1024", setting(db, "CACHE_SIZE"), "its pages are written once and rarely read");
            assertEquals("500", setting(db, "WRITE_DELAY"), "the journal makes its commits durable");
        }
    }

    private static String setting(Database db, String name) {
        return db.inTransaction(c -> Jdbc.queryOne(c,
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?",
                r -> r.getString(1), name).orElseThrow());
    }
}
