package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.SigningException;

/** The CPU accounting and the ECDSA ceiling that {@code xroad bench exchange} prints. */
class BenchCpuProfileTest {

    @Test
    void threadNames_groupedWithoutTheirNumbersPathsAndAddresses() {
        assertEquals("proxy-io", CpuProfile.group("proxy-io-3-1"));
        assertEquals("message-log-writer", CpuProfile.group("message-log-writer"));
        assertEquals("checkpoint-publisher", CpuProfile.group("checkpoint-publisher-21-1"));
        assertEquals("HttpClient-N-Worker", CpuProfile.group("HttpClient-7-Worker-0"));
        assertEquals("pool-N-thread", CpuProfile.group("pool-2-thread-1"));
        assertEquals("MVStore background writer messagelog.mv.db",
                CpuProfile.group("MVStore background writer /tmp/xroad-bench1/servers/DEMO_GOV_1001_ss1/messagelog.mv.db"));
        assertEquals("H2 TCP Server", CpuProfile.group("H2 TCP Server (tcp://localhost:42683)"));
        assertEquals("main", CpuProfile.group("main"));
    }

    @Test
    void serverThreads_groupedWithoutTheirServer_andCountedForIt() {
        assertEquals("proxy-io", CpuProfile.group("proxy-io@{DEMO/GOV/1001/ss1}-3-1"));
        assertEquals("message-log-writer", CpuProfile.group("message-log-writer@{DEMO/GOV/1001/ss-2}"));
        assertEquals(java.util.Optional.of("DEMO/GOV/1001/ss-2"), CpuProfile.server("journal-spare@{DEMO/GOV/1001/ss-2}"));
        assertEquals(java.util.Optional.empty(), CpuProfile.server("proxy-io-3-1"));

        CpuProfile.Snapshot start = new CpuProfile.Snapshot(0, 0, Map.of());
        CpuProfile.Snapshot end = new CpuProfile.Snapshot(1_000, 1_000, Map.of(
                1L, new CpuProfile.ThreadCpu("proxy-io@{DEMO/GOV/1002/ss1}-3-1", 300),
                2L, new CpuProfile.ThreadCpu("proxy-io@{DEMO/GOV/1001/ss1}-4-1", 200),
                3L, new CpuProfile.ThreadCpu("message-log-writer@{DEMO/GOV/1001/ss1}", 100),
                4L, new CpuProfile.ThreadCpu("bench-load-9-1", 250)));

        CpuProfile.Usage usage = CpuProfile.between(start, end);

        assertEquals(500, usage.nanos("proxy-io"), "one group over both servers");
        assertEquals(Map.of("DEMO/GOV/1002/ss1", 300L, "DEMO/GOV/1001/ss1", 300L), usage.byServer());
    }

    @Test
    void between_threadsStartedCountFromZeroEndedOnesAndTheRestAreTheJvms() {
        CpuProfile.Snapshot start = new CpuProfile.Snapshot(1_000_000_000L, 5_000, Map.of(
                1L, new CpuProfile.ThreadCpu("proxy-io-3-1", 100),
                2L, new CpuProfile.ThreadCpu("proxy-io-3-2", 40),
                3L, new CpuProfile.ThreadCpu("short-lived-1", 10)));
        CpuProfile.Snapshot end = new CpuProfile.Snapshot(3_000_000_000L, 6_000, Map.of(
                1L, new CpuProfile.ThreadCpu("proxy-io-3-1", 400),
                2L, new CpuProfile.ThreadCpu("proxy-io-3-2", 40),
                4L, new CpuProfile.ThreadCpu("bench-load-9-1", 250)));

        CpuProfile.Usage usage = CpuProfile.between(start, end);

        assertEquals(List.of("proxy-io", "bench-load"), List.copyOf(usage.byGroup().keySet()));
        assertEquals(300, usage.nanos("proxy-io"));
        assertEquals(250, usage.nanos("bench-load"), "a thread started during the run counts from zero");
        assertEquals(1_000, usage.processCpuNanos());
        assertEquals(1_000 - 300 - 250, usage.jvmNanos(), "the process's CPU beyond its Java threads'");
        assertEquals(0.45, usage.share(CpuProfile.JVM), 1e-9);
        assertEquals(2.0, usage.wallSeconds(), 1e-9);
        assertEquals(1_000 / 1e9 / 2.0, usage.coresUsed(), 1e-15);
    }

    @Test
    void between_threadsUsingMoreThanTheProcessSaw_jvmShareNotNegative() {
        CpuProfile.Snapshot start = new CpuProfile.Snapshot(0, 0, Map.of(1L, new CpuProfile.ThreadCpu("a", 0)));
        CpuProfile.Snapshot end = new CpuProfile.Snapshot(1_000, 90, Map.of(1L, new CpuProfile.ThreadCpu("a", 100)));

        assertEquals(0, CpuProfile.between(start, end).jvmNanos());
    }

    /** Where the spinner's busy loop puts its result, so the JIT cannot drop the loop. */
    private static volatile long sink;

    @Test
    void thisJvm_threadStartedDuringTheRunCountsItsCpuInItsGroup() throws InterruptedException {
        CpuProfile profile = CpuProfile.ofThisJvm().orElse(null);
        if (profile == null) {
            return; // a JVM without thread CPU time: nothing to measure
        }
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread spinner = new Thread(() -> {
            long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
            long x = 0;
            while (System.nanoTime() < end) {
                x += System.identityHashCode(new Object());
            }
            sink = x;
            spun.countDown();
            try {
                measured.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cpu-spinner-7-1");
        CpuProfile.Snapshot start = profile.snapshot();
        spinner.start();
        spun.await();
        CpuProfile.Snapshot end = profile.snapshot();
        measured.countDown();
        spinner.join();

        CpuProfile.Usage usage = CpuProfile.between(start, end);
        assertTrue(usage.nanos("cpu-spinner") >= Duration.ofMillis(100).toNanos(), "spinner: " + usage);
        // The process's CPU time counts in the kernel's ticks (10 ms here) and a thread's to the
        // nanosecond: the process covers the thread within a tick or two.
        assertTrue(usage.processCpuNanos() + Duration.ofMillis(20).toNanos() >= usage.nanos("cpu-spinner"),
                usage.toString());
    }

    @Test
    void topGroups_largestShareInAnyRunFirstTinyOnesLeftOut() {
        CpuProfile.Usage signed = new CpuProfile.Usage(1, 1000, Map.of("proxy-io", 600L, "bench-load", 50L,
                "H2 File Lock Watchdog", 1L), 349);
        CpuProfile.Usage direct = new CpuProfile.Usage(1, 1000, Map.of("bench-load", 500L, "bench-is", 450L), 50);

        assertEquals(List.of("proxy-io", "bench-load", "bench-is"),
                CpuProfile.topGroups(List.of(signed, direct), 5, 0.005));
        assertEquals(List.of("proxy-io", "bench-load"), CpuProfile.topGroups(List.of(signed, direct), 2, 0.005));
    }

    @Test
    void ceiling_coresOverTwoSignsAndTwoVerifications() {
        EcdsaCost cost = new EcdsaCost(50, 100);

        assertEquals(300, cost.exchangeMicros(), 1e-9);
        assertEquals(2 * 1e6 / 300, cost.ceiling(2), 1e-9);
    }

    @Test
    void measure_bouncyCastle_positiveCostsPerOperation() throws SigningException, JwsVerificationException {
        EcdsaCost cost = EcdsaCost.measure(new BouncyCastleProvider(), new SecureRandom(), Clock.systemUTC(),
                Duration.ofMillis(100), Duration.ofMillis(200));

        assertTrue(cost.signMicros() > 1 && cost.signMicros() < 100_000, "sign " + cost.signMicros() + " µs");
        assertTrue(cost.verifyMicros() > 1 && cost.verifyMicros() < 100_000, "verify " + cost.verifyMicros() + " µs");
    }
}
