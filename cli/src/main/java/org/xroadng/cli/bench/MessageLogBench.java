package org.xroadng.cli.bench;

import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.MessageLogListener;
import org.xroadng.securityserver.log.MessageLogSettings;
import org.xroadng.securityserver.log.journal.Journal;

/**
 * One server's logs alone, at their limit: exchanges appended to a message log with its access log
 * (journal, then tables) from {@code inFlight} callers at once, as the proxies do, without the
 * network, the signatures or the information systems. Tells what logging costs a server per
 * exchange in CPU time, and how long an answer waits for its records.
 */
public final class MessageLogBench {

    /** What a run measured. */
    public record Result(long exchanges, double perSecond, long errors, Histogram latencyMicros,
                         Optional<CpuProfile.Usage> cpu, Storage storage) {

        /** CPU microseconds of the whole process per exchange, when this JVM can say. */
        public Optional<Double> cpuMicrosPerExchange() {
            return cpu.map(u -> u.processCpuNanos() / 1000.0 / exchanges);
        }
    }

    /**
     * What the logs keep per exchange on disk, over every exchange appended (warm-up included):
     * the journal's frames (the records, bodies sealed) and the two H2 files (the index, the access
     * log), as they are once the log is closed.
     */
    public record Storage(double journalBytesPerExchange, double tableBytesPerExchange) {
    }

    private MessageLogBench() {
    }

    /** Warms up with {@code exchanges / 2}, then measures {@code exchanges} appends. */
    public static Result run(Path dir, Provider provider, SecureRandom random, Clock clock, Durability durability,
                             int exchanges, int inFlight, int bodyBytes, boolean subjects)
            throws MessageLogException, InterruptedException {
        byte[] key = new byte[32];
        random.nextBytes(key);
        MessageLogSettings settings = MessageLogSettings.defaults().withDurability(durability);
        Result measured;
        long journalBytes;
        try (H2MessageLog log = H2MessageLog.open(dir.resolve("messagelog"), dir.resolve("accesslog"),
                MessageLogKey.of(key), provider, random, clock, settings, MessageLogListener.NONE)) {
            byte[] body = new byte[bodyBytes];
            random.nextBytes(body);
            // A JWS of the size the servers make: protected header with x5c and an OCSP response.
            String signature = "eyJhbGciOiJFUzI1NiJ9." + "A".repeat(2400) + ".sig";
            append(log, clock, "warm", exchanges / 2, inFlight, body, signature, subjects, new Recorder(3));
            Recorder latency = new Recorder(3);
            Optional<CpuProfile> profile = CpuProfile.ofThisJvm();
            Optional<CpuProfile.Snapshot> before = profile.map(CpuProfile::snapshot);
            long start = System.nanoTime();
            long errors = append(log, clock, "run", exchanges, inFlight, body, signature, subjects, latency);
            double seconds = (System.nanoTime() - start) / 1e9;
            Optional<CpuProfile.Usage> cpu = profile.map(p -> CpuProfile.between(before.orElseThrow(), p.snapshot()));
            journalBytes = log.journalStats().map(Journal.Stats::bytes).orElse(0L);
            measured = new Result(exchanges, exchanges / seconds, errors, latency.getIntervalHistogram(), cpu, null);
        }
        long appended = exchanges + exchanges / 2;
        long tableBytes = fileSize(dir.resolve("messagelog.mv.db")) + fileSize(dir.resolve("accesslog.mv.db"));
        return new Result(measured.exchanges(), measured.perSecond(), measured.errors(), measured.latencyMicros(),
                measured.cpu(), new Storage((double) journalBytes / appended, (double) tableBytes / appended));
    }

    private static long fileSize(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static long append(H2MessageLog log, Clock clock, String prefix, int count, int inFlight, byte[] body,
                               String signature, boolean subjects, Recorder latency) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicInteger errors = new AtomicInteger();
        SubsystemId client = SubsystemId.parse("DEMO/GOV/1002/tax");
        ServiceId service = ServiceId.parse("DEMO/GOV/1001/population/person");
        for (int i = 0; i < count; i++) {
            slots.acquire();
            List<String> named = subjects ? List.of(String.format("EE%011d", i % 100_000)) : List.of();
            ExchangeRecord record = new ExchangeRecord("provider", prefix + "-" + i, "req-" + i, client, service,
                    "GET", "/person", "officer-1", null, "benchmark", named, List.of(), signature, new byte[0],
                    signature, body, 200, clock.instant());
            long sent = System.nanoTime();
            CompletableFuture<Void> done = log.append(record);
            done.whenComplete((ok, error) -> {
                latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
                if (error != null) {
                    errors.incrementAndGet();
                }
                slots.release();
            });
        }
        if (!slots.tryAcquire(inFlight, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("appends did not complete within 60 s");
        }
        return errors.get();
    }
}
