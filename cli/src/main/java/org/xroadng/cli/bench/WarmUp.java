package org.xroadng.cli.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * A benchmark's warm-up: at least a given time, then on while the JIT compiler is still busy with
 * what the load runs, up to a limit. A run measured while C2 still compiles measures the compiler:
 * on two cores it took a quarter of the CPU 70 s into the first, logged, run (and the logged path,
 * with its database code, compiles longest).
 */
public final class WarmUp {

    /** How long each check of the compiler's activity lasts. */
    static final Duration STEP = Duration.ofSeconds(5);
    /** The compiler counts as settled when it took less than this share of one core over a step. */
    static final double SETTLED_SHARE = 0.02;

    private final Duration minimum;
    private final Duration maximum;

    /** At least {@code minimum}; at most {@code maximum}; a zero minimum is no warm-up at all. */
    public WarmUp(Duration minimum, Duration maximum) {
        if (minimum.isNegative() || maximum.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("warm-up from " + minimum + " to " + maximum);
        }
        this.minimum = minimum;
        this.maximum = maximum;
    }

    /** Waits out the warm-up while the load runs; returns how long it lasted. */
    public Duration await() throws InterruptedException {
        long start = System.nanoTime();
        Thread.sleep(minimum.toMillis());
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (minimum.isZero() || jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return Duration.ofNanos(System.nanoTime() - start);
        }
        while (Duration.ofNanos(System.nanoTime() - start).plus(STEP).compareTo(maximum) <= 0) {
            long before = jit.getTotalCompilationTime();
            Thread.sleep(STEP.toMillis());
            if (jit.getTotalCompilationTime() - before < STEP.toMillis() * SETTLED_SHARE) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
