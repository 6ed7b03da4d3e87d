package org.xroadng.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where this process's CPU went between two moments: CPU time of each Java thread (from
 * {@link ThreadMXBean#getThreadCpuTime}), summed by thread group, and the process's CPU time (from
 * {@link com.sun.management.OperatingSystemMXBean#getProcessCpuTime}). What the process used beyond
 * its Java threads is the JVM's own work: garbage collection, the JIT compilers and other VM
 * threads, none of which {@code ThreadMXBean} lists, plus the CPU of any thread that ended between
 * the two moments (its time can no longer be read). A thread that started between them counts
 * from zero.
 */
public final class CpuProfile {

    /** The group name for what the process used beyond its Java threads' CPU. */
    public static final String JVM = "JVM (GC, JIT, other)";

    private static final Pattern TRAILING_NUMBERS = Pattern.compile("(-\\d+)+$");
    private static final Pattern INNER_NUMBERS = Pattern.compile("-\\d+-");
    private static final Pattern PATH = Pattern.compile("\\s/\\S*/");
    private static final Pattern PARENTHESES = Pattern.compile("\\s*\\(.*\\)$");
    private static final Pattern SERVER_TAG = Pattern.compile("@\\{([^}]*)\\}");

    /** One Java thread's CPU time so far. */
    public record ThreadCpu(String name, long cpuNanos) {
    }

    /** The process's and each live Java thread's (by thread id) CPU time at one moment of {@code System.nanoTime()}. */
    public record Snapshot(long wallNanos, long processCpuNanos, Map<Long, ThreadCpu> threads) {
        public Snapshot {
            threads = Map.copyOf(threads);
        }
    }

    /**
     * CPU used between two snapshots: {@code byGroup} in nanoseconds by thread group, largest
     * first, {@code jvmNanos} what the process used beyond them (never negative), and
     * {@code byServer} in nanoseconds by the security server whose threads used it ({@link #server};
     * threads of no one server are in none).
     */
    public record Usage(double wallSeconds, long processCpuNanos, Map<String, Long> byGroup, long jvmNanos,
                        Map<String, Long> byServer) {
        public Usage {
            byGroup = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byGroup));
            byServer = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byServer));
        }

        /** Without a split by server. */
        public Usage(double wallSeconds, long processCpuNanos, Map<String, Long> byGroup, long jvmNanos) {
            this(wallSeconds, processCpuNanos, byGroup, jvmNanos, Map.of());
        }

        /** Process CPU time over wall time: how many cores were busy on average. */
        public double coresUsed() {
            return processCpuNanos / 1e9 / wallSeconds;
        }

        /** A group's share of the process's CPU time (0..1); {@link #JVM} names the JVM's own share. */
        public double share(String group) {
            return processCpuNanos == 0 ? 0 : (double) nanos(group) / processCpuNanos;
        }

        /** A group's CPU time in nanoseconds; {@link #JVM} names the JVM's own. */
        public long nanos(String group) {
            return JVM.equals(group) ? jvmNanos : byGroup.getOrDefault(group, 0L);
        }
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os;

    private CpuProfile(com.sun.management.OperatingSystemMXBean os) {
        this.os = os;
    }

    /**
     * This JVM's CPU clocks, or empty when it cannot read them (no per-thread CPU time, or no
     * process CPU time). Turns per-thread CPU time measurement on if it is off.
     */
    public static Optional<CpuProfile> ofThisJvm() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()
                || !(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
                || os.getProcessCpuTime() < 0) {
            return Optional.empty();
        }
        if (!threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        return Optional.of(new CpuProfile(os));
    }

    /** The CPU time of the process and of every live Java thread, now. */
    public Snapshot snapshot() {
        long wall = System.nanoTime();
        Map<Long, ThreadCpu> byId = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info == null) {
                continue; // ended since the ids were listed
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                byId.put(info.getThreadId(), new ThreadCpu(info.getThreadName(), cpu));
            }
        }
        return new Snapshot(wall, os.getProcessCpuTime(), byId);
    }

    /** What was used from {@code start} to {@code end}. */
    public static Usage between(Snapshot start, Snapshot end) {
        Map<String, Long> byGroup = new HashMap<>();
        Map<String, Long> byServer = new HashMap<>();
        long javaThreads = 0;
        for (Map.Entry<Long, ThreadCpu> entry : end.threads().entrySet()) {
            ThreadCpu before = start.threads().get(entry.getKey());
            long used = entry.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
            if (used > 0) {
                byGroup.merge(group(entry.getValue().name()), used, Long::sum);
                server(entry.getValue().name()).ifPresent(server -> byServer.merge(server, used, Long::sum));
                javaThreads += used;
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        long process = end.processCpuNanos() - start.processCpuNanos();
        return new Usage((end.wallNanos() - start.wallNanos()) / 1e9, process, sorted, Math.max(0, process - javaThreads),
                byServer);
    }

    /**
     * A thread's group: its name without the pool and thread numbers Netty, the JDK and H2 add
     * ({@code proxy-io-3-1} → {@code proxy-io}, {@code HttpClient-7-Worker-0} → {@code HttpClient-N-Worker}),
     * a file path shortened to the file's name, and a parenthesised suffix (an address) dropped.
     */
    public static String group(String threadName) {
        String name = SERVER_TAG.matcher(threadName).replaceFirst("");
        name = TRAILING_NUMBERS.matcher(name).replaceFirst("");
        name = INNER_NUMBERS.matcher(name).replaceAll("-N-");
        name = PATH.matcher(name).replaceFirst(" ");
        name = PARENTHESES.matcher(name).replaceFirst("");
        return name.isEmpty() ? threadName : name;
    }

    /**
     * The security server a thread works for, as its name says ({@code role@{server}}, see
     * {@code ServerThreads}), or empty for a thread of no one server (the JVM's, H2's, the bench's).
     */
    public static java.util.Optional<String> server(String threadName) {
        java.util.regex.Matcher tag = SERVER_TAG.matcher(threadName);
        return tag.find() ? java.util.Optional.of(tag.group(1)) : java.util.Optional.empty();
    }

    /**
     * At most {@code limit} groups that took at least {@code minShare} (0..1) of the process's CPU
     * in one of the usages, in order of their largest share.
     */
    public static List<String> topGroups(Collection<Usage> usages, int limit, double minShare) {
        Map<String, Double> largest = new HashMap<>();
        for (Usage usage : usages) {
            for (String group : usage.byGroup().keySet()) {
                largest.merge(group, usage.share(group), Math::max);
            }
        }
        largest.values().removeIf(share -> share < minShare);
        List<String> groups = new ArrayList<>(largest.keySet());
        groups.sort(Comparator.comparing((String g) -> -largest.get(g)).thenComparing(Comparator.naturalOrder()));
        return List.copyOf(groups.subList(0, Math.min(limit, groups.size())));
    }
}
