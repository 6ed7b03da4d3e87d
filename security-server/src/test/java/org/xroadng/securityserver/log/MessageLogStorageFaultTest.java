package org.xroadng.securityserver.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.FaultyDisk;
import org.xroadng.securityserver.log.journal.Journal;

/**
 * The message log on a disk that fills up or fails to flush ({@link FaultyDisk}, under H2), and
 * with a writer that meets an {@link Error}: a failed batch's futures fail at once (no answer
 * without its records), nothing waits forever, the hash chain stays whole, and the log goes on
 * once the disk has room again, also after a restart.
 */
class MessageLogStorageFaultTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final MessageLogKey KEY = LogFixtures.key(7);

    private final Provider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;


    private static ExchangeRecord exchange(String queryId) {
        return new ExchangeRecord("provider", queryId, "req-" + queryId, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", "/person/EE1", null, null,
                "tax-assessment", List.of("EE1"), List.of(), LogFixtures.requestSignature(queryId),
                new byte[0], LogFixtures.responseSignature(queryId), ("{\"name\":\"" + queryId + "\"}").getBytes(StandardCharsets.UTF_8),
                200, AT);
    }

    private H2MessageLog open(FaultyDisk disk, Clock clock, MessageLogListener listener) throws MessageLogException {
        // The journal on the same disk: it fails with the database.
        return H2MessageLog.open(disk.jdbcUrl("messagelog", ""), null, disk.dir().resolve("messagelog-journal"),
                Journal.Settings.defaults(), disk::openChannel, KEY, bc, random, clock, MessageLogSettings.defaults(),
                listener);
    }

    private static Clock clock() {
        return Clock.fixed(AT, ZoneOffset.UTC);
    }

    /** Appends and waits; the queries whose append succeeded. */
    private static List<String> appendAll(H2MessageLog log, String prefix, int count) throws InterruptedException {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(log.append(exchange(prefix + i)));
        }
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try {
                futures.get(i).get(10, TimeUnit.SECONDS);
                kept.add(prefix + i);
            } catch (ExecutionException e) {
                assertInstanceOf(MessageLogException.class, e.getCause(), "a failed append says why");
            } catch (TimeoutException e) {
                throw new AssertionError("append of " + prefix + i + " hung", e);
            }
        }
        return kept;
    }

    /**
     * Appends one exchange at a time until one is kept: the log retries its storage at most once a
     * second after a failure, so it must be back within a few seconds of the disk having room.
     * Returns the one kept.
     */
    private static List<String> awaitRecovery(H2MessageLog log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            List<String> kept = appendAll(log, "probe-", 1);
            if (!kept.isEmpty()) {
                return kept;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the message log did not take an exchange within 5 s of the disk having room");
    }

    private static long intactCount(H2MessageLog log) throws MessageLogException {
        ChainVerification chain = log.verifyChain();
        assertInstanceOf(ChainVerification.Intact.class, chain, chain.toString());
        return ((ChainVerification.Intact) chain).records();
    }

    @Test
    void diskFullThenFreed_failedAppendsRefusedChainWholeAndRestartWorks() throws InterruptedException, MessageLogException {
        FaultyDisk disk = FaultyDisk.at(dir);
        List<String> kept = new ArrayList<>();
        try (H2MessageLog log = open(disk, clock(), MessageLogListener.NONE)) {
            kept.addAll(appendAll(log, "before-", 5));
            assertEquals(5, kept.size());

            disk.full(true);
            List<String> duringFull = appendAll(log, "full-", 4);
            assertEquals(List.of(), duringFull, "no append is acknowledged on a full disk");
            assertTrue(disk.failedWrites() > 0);

            disk.full(false);
            kept.addAll(awaitRecovery(log));
            List<String> after = appendAll(log, "after-", 5);
            assertEquals(5, after.size(), "the log goes on once the disk has room");
            kept.addAll(after);
            long rows = intactCount(log);
            assertEquals(2L * kept.size(), rows, "exactly the acknowledged exchanges, two rows each");
            for (String query : kept) {
                assertTrue(log.find(query, "provider").isPresent(), query);
            }
        }
        try (H2MessageLog log = open(disk, clock(), MessageLogListener.NONE)) {
            assertEquals(2L * kept.size(), intactCount(log));
            assertEquals(3, appendAll(log, "restart-", 3).size());
            assertEquals(2L * (kept.size() + 3), intactCount(log));
        }
    }

    @Test
    void fsyncFails_appendRefusedThenLogGoesOnWithChainWhole() throws InterruptedException, MessageLogException {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (H2MessageLog log = open(disk, clock(), MessageLogListener.NONE)) {
            assertEquals(3, appendAll(log, "a-", 3).size());
            disk.syncFails(true);
            assertEquals(List.of(), appendAll(log, "b-", 2), "an append whose fsync failed is not acknowledged");
            long durable = log.durableRecordId();
            assertEquals(6, durable, "records after the failed fsync are not durable");
            disk.syncFails(false);
            int probes = awaitRecovery(log).size();
            assertEquals(3, appendAll(log, "c-", 3).size());
            long rows = intactCount(log) - 2L * probes;
            assertTrue(rows == 12 || rows == 16, "the batch whose fsync failed is wholly there or wholly gone: " + rows);
        }
    }

    @Test
    void errorInWriter_batchFailsAtOnceAndWriterGoesOn() throws InterruptedException, MessageLogException {
        AtomicBoolean throwOnce = new AtomicBoolean();
        Clock clock = new FailingClock(() -> {
            if (throwOnce.compareAndSet(true, false)) {
                throw new OutOfMemoryError("Java heap space (injected)");
            }
        });
        try (H2MessageLog log = open(FaultyDisk.at(dir), clock, MessageLogListener.NONE)) {
            assertEquals(2, appendAll(log, "a-", 2).size());
            throwOnce.set(true);
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> log.append(exchange("oom")).get(10, TimeUnit.SECONDS));
            assertTrue(failed.getCause().getMessage().contains("OutOfMemoryError"), failed.getCause().getMessage());
            assertTrue(log.unavailable().isEmpty(), "the writer recovered");
            assertEquals(2, appendAll(log, "b-", 2).size());
            assertEquals(8, intactCount(log));
        }
    }

    @Test
    void writerThreadDies_everyAppendFailsAtOnceAndTheLogSaysWhy() throws InterruptedException, MessageLogException {
        AtomicBoolean throwOnce = new AtomicBoolean();
        Clock clock = new FailingClock(() -> {
            if (throwOnce.get()) {
                throw new IllegalStateException("clock broken (injected)");
            }
        });
        MessageLogListener failingListener = new MessageLogListener() {
            @Override
            public void batchFailed(int exchanges, MessageLogException cause) {
                throw new StackOverflowError("listener broken (injected)");
            }
        };
        try (H2MessageLog log = open(FaultyDisk.at(dir), clock, failingListener)) {
            assertEquals(1, appendAll(log, "a-", 1).size());
            throwOnce.set(true);
            ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> log.append(exchange("dies")).get(10, TimeUnit.SECONDS));
            assertInstanceOf(MessageLogException.class, failed.getCause());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.unavailable().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.unavailable().orElseThrow().contains("writer stopped"), log.unavailable().toString());
            CompletableFuture<Void> later = log.append(exchange("later"));
            assertTrue(later.isCompletedExceptionally(), "refused at once, not queued for a writer that is gone");
        }
    }

    /** A fixed clock that first runs {@code fault}: the writer reads the time first thing in a batch. */
    private static final class FailingClock extends Clock {
        private final Runnable fault;

        FailingClock(Runnable fault) {
            this.fault = fault;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            fault.run();
            return AT;
        }
    }
}
