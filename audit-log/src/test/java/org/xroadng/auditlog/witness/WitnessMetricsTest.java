package org.xroadng.auditlog.witness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.protocol.store.Database;

/** What the witness counts, as an operator's dashboard and alert rules read it. */
class WitnessMetricsTest {

    @TempDir
    Path dir;

    @Test
    void splitView_isCountedForItsLog_andTheRefusalByItsReason() throws NoteFormatException, AddCheckpointException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TestLog log = new TestLog("DEMO/GOV/1001/ss1/access-log", 1);
        try (Database database = Database.open(dir.resolve("witness"), "witness")) {
            TlogWitness witness = new TlogWitness(database, Cosigner.generate("witness.example.org/w1",
                    TestLog.deterministic(2)), new FollowedLogs(List.of(log.followed())),
                    Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC), new WitnessMetrics(registry));
            log.grow(4);
            witness.addCheckpoint(log.request(0, 4));
            assertEquals(0, registry.find("xroad_witness_split_views").counters().size(),
                    "no split view yet: no series");

            TestLog fork = new TestLog(log.origin, 1); // the same log's key showing another history
            fork.grow(3);
            fork.tree.append("hidden".getBytes(StandardCharsets.UTF_8));
            assertThrows(AddCheckpointException.class, () -> witness.addCheckpoint(fork.request(4, 4)));

            assertEquals(1.0, registry.get("xroad_witness_split_views").tag("origin", log.origin).counter().count());
            assertEquals(1.0, registry.get("xroad_witness_cosigned").tag("origin", log.origin).counter().count());
            assertEquals(1.0, registry.get("xroad_witness_refused").tag("reason", AddCheckpointException.Reason.ROOT_CONFLICT.name())
                    .counter().count());
        }
    }
}
