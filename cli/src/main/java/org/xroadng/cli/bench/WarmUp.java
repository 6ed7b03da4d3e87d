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
    private final Runnable midway;

    /** At least {@code minimum}; at most {@code maximum}; a zero minimum is no warm-up at all. */
    public WarmUp(Duration minimum, Duration maximum) {
        this(minimum, maximum, () -> {
        });
    }

    private WarmUp(Duration minimum, Duration maximum, Runnable midway) {
        if (minimum.isNegative() || maximum.compareTo(minimum) < 0) {
            throw new IllegalArgumentException("warm-up from " + minimum + " to " + maximum);
        }
        this.minimum = minimum;
        this.maximum = maximum;
        this.midway = midway;
    }

    /**
     * This warm-up, running {@code action} once half way through its minimum: something the
     * measured load will meet now and then, which the compiler should have seen before measuring
     * starts (the first time a path takes a branch it never took, the JIT throws away its compiled
     * code and compiles it again). The rest of the warm-up then waits for that compiling too.
     */
    public WarmUp midway(Runnable action) {
        return new WarmUp(minimum, maximum, action);
    }

    /** Waits out the warm-up while the load runs; returns how long it lasted. */
    public Duration await() throws InterruptedException {
        long start = System.nanoTime();
        long half = minimum.toMillis() / 2;
        Thread.sleep(half);
        if (!minimum.isZero()) {
            midway.run();
        }
        Thread.sleep(Math.max(0, minimum.toMillis() - (System.nanoTime() - start) / 1_000_000));
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
