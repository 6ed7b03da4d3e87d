package org.xroadng.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * A soak run: a fixed rate of logged exchanges through a running {@link ExchangeBench} network for
 * a given time, one report line per interval (requests, errors by kind, latency percentiles, and
 * this process's heap after a full GC, open file descriptors and threads, since the servers run in
 * it), then a verdict on whether heap and open files stayed flat: the average of the last third of
 * the intervals against the first third.
 */
public final class Soak {

    /** Growth of the last third over the first third still counted as flat. */
    static final double HEAP_TOLERANCE = 0.20;
    static final long HEAP_SLACK_BYTES = 16L * 1024 * 1024;
    static final long FD_SLACK = 16;

    /** One interval's report. */
    public record Sample(double elapsedSeconds, HttpLoad.Interval load, long heapBytes, OptionalLong openFiles,
                         int threads) {
    }

    private final PrintWriter out;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    public Soak(PrintWriter out) {
        this.out = out;
    }

    /**
     * Drives {@code load} at {@code rate} requests/s over {@code connections} connections for
     * {@code length}, printing a line every {@code interval} (the last one may be shorter); returns
     * the samples after printing the summary.
     */
    public List<Sample> run(HttpLoad load, int connections, double rate, Duration length, Duration interval)
            throws InterruptedException {
        out.printf("%-8s %8s %8s %8s %8s %8s %9s %6s %7s  %s%n", "ELAPSED", "SENT", "OK", "ERRORS", "P50 ms",
                "P99 ms", "HEAP MB", "FDS", "THREADS", "ERRORS BY TYPE");
        out.flush();
        List<Sample> samples = new ArrayList<>();
        Map<String, Long> allErrors = new TreeMap<>();
        long sent = 0;
        long ok = 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        try (HttpLoad.Running running = load.start(connections, rate)) {
            long next = start;
            while (next < end) {
                next = Math.min(next + interval.toNanos(), end);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                Sample sample = new Sample((System.nanoTime() - start) / 1e9, running.interval(), heapAfterGc(),
                        openFiles(), ManagementFactory.getThreadMXBean().getThreadCount());
                samples.add(sample);
                sent += sample.load().sent();
                ok += sample.load().ok();
                sample.load().errors().forEach((kind, n) -> allErrors.merge(kind, n, Long::sum));
                print(sample);
            }
        }
        out.printf("total: %,d sent, %,d ok, %,d errors%s in %.0f s (%.1f ok/s)%n", sent, ok,
                allErrors.values().stream().mapToLong(Long::longValue).sum(),
                allErrors.isEmpty() ? "" : " " + allErrors, (System.nanoTime() - start) / 1e9,
                ok / ((System.nanoTime() - start) / 1e9));
        out.println(verdict("heap", samples, Sample::heapBytes, HEAP_TOLERANCE, HEAP_SLACK_BYTES, 1024 * 1024, "MB"));
        if (samples.stream().allMatch(s -> s.openFiles().isPresent())) {
            out.println(verdict("open files", samples, s -> s.openFiles().getAsLong(), 0, FD_SLACK, 1, ""));
        } else {
            out.println("open files: not known on this system (no /proc/self/fd)");
        }
        out.println(verdict("threads", samples, Sample::threads, 0, 8, 1, ""));
        out.flush();
        return samples;
    }

    private void print(Sample s) {
        HttpLoad.Interval load = s.load();
        var h = load.latencyMicros();
        boolean any = h.getTotalCount() > 0;
        out.printf("%7.0fs %8d %8d %8d %8s %8s %9.1f %6s %7d  %s%n", s.elapsedSeconds(), load.sent(), load.ok(),
                load.errorCount(), any ? String.format("%.1f", h.getValueAtPercentile(50) / 1000.0) : "-",
                any ? String.format("%.1f", h.getValueAtPercentile(99) / 1000.0) : "-", s.heapBytes() / 1048576.0,
                s.openFiles().isPresent() ? Long.toString(s.openFiles().getAsLong()) : "n/a", s.threads(),
                load.errors().isEmpty() ? "-" : load.errors());
        out.flush();
    }

    /**
     * "flat" when the last third's average is within {@code tolerance} (a fraction) plus
     * {@code slack} of the first third's; needs three intervals at least.
     */
    static String verdict(String what, List<Sample> samples, ToLongFunction<Sample> value, double tolerance, long slack,
                          long unit, String unitName) {
        int third = samples.size() / 3;
        if (third == 0) {
            return what + ": too few intervals (" + samples.size() + ") to judge; run longer or with a shorter"
                    + " --interval";
        }
        double first = samples.subList(0, third).stream().mapToLong(value).average().orElse(0);
        double last = samples.subList(samples.size() - third, samples.size()).stream().mapToLong(value).average()
                .orElse(0);
        boolean flat = last <= first * (1 + tolerance) + slack;
        return String.format("%s: %s (first third %.1f%s, last third %.1f%s, %+.1f%%)", what,
                flat ? "flat" : "GROWING", first / unit, unitName.isEmpty() ? "" : " " + unitName, last / unit,
                unitName.isEmpty() ? "" : " " + unitName, first == 0 ? 0 : 100 * (last - first) / first);
    }

    /** Heap in use right after a full collection this asks for: what the run keeps, not its garbage. */
    private long heapAfterGc() {
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Entries of {@code /proc/self/fd}, or empty where there is no such directory. */
    static OptionalLong openFiles() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> entries = Files.list(fds)) {
            return OptionalLong.of(entries.count());
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
