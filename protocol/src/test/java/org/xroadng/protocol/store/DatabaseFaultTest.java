package org.xroadng.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database whose disk fills: H2 closes the database under every pooled connection, and
 * {@link Database} opens it again, so the next transaction after the disk has room works without a
 * restart, and {@link Database#reopenings()} tells callers that kept state in memory to reload it.
 */
class DatabaseFaultTest {

    @TempDir
    Path dir;

    private static void insert(Database db, long id) {
        db.inTransaction(c -> Jdbc.update(c, "INSERT INTO row_value (id, payload) VALUES (?, ?)", id, "x".repeat(500)));
    }

    @Test
    void diskFullClosesTheDatabase_reopenedOnceThereIsRoomAndCommittedRowsKept() {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (Database db = Database.open(disk.jdbcUrl("rows", "WRITE_DELAY=0"), "faulttest")) {
            insert(db, 1);
            disk.full(true);
            StoreException failed = assertThrows(StoreException.class, () -> insert(db, 2));
            assertTrue(failed.getMessage().startsWith("faulttest database failed:"), failed.getMessage());
            disk.full(false);

            assertEquals(1, db.reopenings(), "the closed database was opened again");
            insert(db, 3);
            assertEquals(2L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM row_value")));
        }
    }

    @Test
    void refusedChange_rolledBackWithoutReopening() {
        try (Database db = Database.open(FaultyDisk.at(dir).jdbcUrl("rows", ""), "faulttest")) {
            insert(db, 1);
            assertThrows(StoreException.class, () -> insert(db, 1));
            assertEquals(0, db.reopenings());
            assertEquals(1L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM row_value")));
        }
    }
}
