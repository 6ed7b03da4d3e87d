package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.SecurityServer;

/** {@code xroad server repair}: reports (exit 3) a log with a gap, mends it with --repair (exit 0), and says so. */
class ServerRepairCliTest {

    private final CliRunner cli = new CliRunner(Map.of());

    @TempDir
    Path dir;

    @Test
    void logWithGap_checkExits3ThenRepairMendsIt() {
        try (Database db = Database.open(dir.resolve(SecurityServer.ACCESS_LOG_FILE), H2MerkleLog.DATABASE_NAME)) {
            H2AccessLog log = H2AccessLog.in(db);
            for (int i = 0; i < 6; i++) {
                log.append(new AccessEvent("event-" + i, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i),
                        "consumer", SubsystemId.parse("DEMO/GOV/1002/tax"),
                        ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/person/EE1", null, null,
                        "tax-assessment", List.of("EE1"), "q-" + i, null, "ok"));
            }
            db.inTransaction(c -> Jdbc.update(c, "DELETE FROM merkle_leaf WHERE leaf_index = 2"));
        }

        CliRunner.Run check = cli.run("server", "repair", "--dir", dir.toString());
        assertEquals(3, check.exitCode(), check.err());
        assertTrue(check.out().contains("1 leaf index(es) are missing, the first at 2")
                && check.out().contains("--repair"), check.out());

        CliRunner.Run repair = cli.run("server", "repair", "--dir", dir.toString(), "--repair");
        assertEquals(0, repair.exitCode(), repair.err());
        assertTrue(repair.out().contains("now holds 5 events"), repair.out());

        CliRunner.Run again = cli.run("server", "repair", "--dir", dir.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("nothing to repair"), again.out());
    }

    @Test
    void notAServerDirectory_clearErrorNoStackTrace() {
        CliRunner.Run run = cli.run("server", "repair", "--dir", dir.resolve("nothing").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("error: no access log at "), run.err());
        assertTrue(!run.err().contains("Exception"), run.err());
    }
}
