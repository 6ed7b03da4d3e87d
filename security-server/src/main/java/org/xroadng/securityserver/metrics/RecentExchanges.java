package org.xroadng.securityserver.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * Exchanges and errors over the last minute, for the console's dashboard: the running totals of
 * {@link MetricsListener#exchangeCounts()} now, less those of a sample taken about a minute ago.
 *
 * <p>Guarantees: the answer counts every exchange up to the moment it is asked for (the current
 * totals are read then, not at the last sample); its window starts at the newest sample at least
 * {@link #WINDOW} old, so it is a minute plus at most one sampling interval, or, while the samples
 * are younger than a minute (a server just started), everything since the first sample, with the
 * window saying so. Known from the first sample on: a server with traffic always shows a number.
 */
public final class RecentExchanges {

    public static final Duration WINDOW = Duration.ofMinutes(1);

    /**
     * Exchanges (completed, provider errors and refusals) and errors (provider errors and
     * refusals) during {@code span} up to now.
     */
    public record Window(long exchanges, long errors, Duration span) {
        public Window {
            Objects.requireNonNull(span, "span");
        }

        /** Whether the samples reach a whole minute back (else the server is younger than that). */
        public boolean wholeMinute() {
            return span.compareTo(WINDOW) >= 0;
        }
    }

    private record Sample(Instant at, long total, long errors) {
    }

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    /** Records the totals at {@code at}; samples older than the window's start are dropped. */
    public synchronized void sample(Instant at, MetricsListener.ExchangeCounts counts) {
        samples.addLast(new Sample(at, counts.total(), errors(counts)));
        Instant start = at.minus(WINDOW);
        // keep the newest sample at or before the window's start: it is the baseline
        while (samples.size() > 1 && !nextAfterFirst().at().isAfter(start)) {
            samples.removeFirst();
        }
    }

    /** The last minute as of {@code now}, given the totals {@code counts} now; empty before the first sample. */
    public synchronized Optional<Window> lastMinute(Instant now, MetricsListener.ExchangeCounts counts) {
        Instant start = now.minus(WINDOW);
        Sample baseline = null;
        for (Sample sample : samples) {
            if (baseline == null || !sample.at().isAfter(start)) {
                baseline = sample;
            }
        }
        if (baseline == null) {
            return Optional.empty();
        }
        Duration span = Duration.between(baseline.at(), now);
        return Optional.of(new Window(Math.max(0, counts.total() - baseline.total()),
                Math.max(0, errors(counts) - baseline.errors()), span.isNegative() ? Duration.ZERO : span));
    }

    private Sample nextAfterFirst() {
        var iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }

    private static long errors(MetricsListener.ExchangeCounts counts) {
        return counts.providerErrors() + counts.refused();
    }
}
