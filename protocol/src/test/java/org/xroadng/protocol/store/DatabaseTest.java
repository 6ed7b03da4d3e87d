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
            String cacheKb = db.inTransaction(c -> Jdbc.queryOne(c,
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'CACHE_SIZE'",
                    r -> r.getString(1)).orElseThrow());

            assertEquals("4096", cacheKb, "H2's default is 16384 KB per file");
        }
    }
}
