package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.MemoryAccessLog;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/** The access log's writer meeting an {@link Error}: the batch fails at once and the writer goes on. */
class AccessEventWriterTest {

    private static AccessEvent event(int n) {
        return new AccessEvent("event-" + n, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(n), "consumer",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "GET",
                "/person/EE1", null, null, "tax-assessment", List.of("EE1"), "q-" + n, null, "ok");
    }

    /** A log in memory whose next append throws the error it is given. */
    private static final class Failing implements AccessLog {
        final MemoryAccessLog inner = new MemoryAccessLog(new InMemoryMerkleLog());
        final AtomicBoolean failNext = new AtomicBoolean();

        @Override
        public long appendAll(List<AccessEvent> events) {
            if (failNext.compareAndSet(true, false)) {
                throw new OutOfMemoryError("Java heap space (injected)");
            }
            return inner.appendAll(events);
        }

        @Override
        public List<StoredEvent> eventsOf(String subject, int limit) {
            return inner.eventsOf(subject, limit);
        }

        @Override
        public MerkleLog merkleLog() {
            return inner.merkleLog();
        }
    }

    @Test
    void errorWhileAppending_batchFailsAtOnceAndTheWriterGoesOn()
            throws InterruptedException, ExecutionException, TimeoutException {
        Failing log = new Failing();
        AccessEventWriter writer = AccessEventWriter.start(log, Durability.FSYNC);
        try {
            assertEquals(0L, writer.append(event(0)).get(10, TimeUnit.SECONDS));
            log.failNext.set(true);

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> writer.append(event(1)).get(10, TimeUnit.SECONDS));

            assertInstanceOf(MessageLogException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().startsWith("the access log could not keep 1 events"),
                    failed.getCause().getMessage());
            assertTrue(writer.unavailable().isEmpty(), "the writer goes on");
            assertEquals(1L, writer.append(event(2)).get(10, TimeUnit.SECONDS), "no gap: the failed event is not in");
        } finally {
            writer.close();
        }
    }
}
