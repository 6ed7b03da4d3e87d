package org.xroadng.protocol.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit is on disk when {@link Database#inTransaction} returns: a JVM that commits a row and
 * halts at once (no shutdown hooks, no close, as {@code kill -9} leaves it) keeps the row. Under
 * H2's default write delay the row was lost, and so was a witness's accepted checkpoint.
 */
class DatabaseDurabilityTest {

    @TempDir
    Path dir;

    /** The child JVM: opens {@code args[0]}, commits row {@code args[1]}, says so, halts. */
    public static final class CommitThenHalt {
        public static void main(String[] args) {
            Database db = Database.open(Path.of(args[0]), "faulttest");
            long id = Long.parseLong(args[1]);
            db.inTransaction(c -> Jdbc.update(c, "INSERT INTO row_value (id, payload) VALUES (?, ?)", id, "committed"));
            System.out.println("committed " + id);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    @Test
    void rowCommitted_survivesAHaltRightAfterTheCommit() throws IOException, InterruptedException {
        Path file = dir.resolve("rows");
        for (long id = 1; id <= 3; id++) {
            String said = commitThenHalt(file, id);
            assertTrue(said.contains("committed " + id), "the child committed row " + id + ": " + said);
        }
        try (Database db = Database.open(file, "faulttest")) {
            assertEquals(3L, (long) db.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM row_value")),
                    "every row committed before a halt is in the file");
        }
    }

    private String commitThenHalt(Path file, long id) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no java command"));
        Path out = dir.resolve("child-" + id + ".out");
        Process child = new ProcessBuilder(java, "-cp", ManagementFactory.getRuntimeMXBean().getClassPath(),
                CommitThenHalt.class.getName(), file.toString(), String.valueOf(id))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
