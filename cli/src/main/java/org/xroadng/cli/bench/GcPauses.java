package org.xroadng.cli.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The garbage collector's pauses in this JVM, as the JVM reports each collection when it ends: at
 * a fixed request rate, the latency percentiles are mostly these pauses, so the bench prints them
 * beside the percentiles. A collector that works concurrently with the application (G1's
 * concurrent cycle, ZGC's cycles) reports durations that are no pause; only the collectors that
 * stop the application are counted (for G1: its young and mixed collections, and full ones).
 */
public final class GcPauses implements AutoCloseable {

    /** One collection that stopped the application: when it ended ({@code System.nanoTime()}) and how long it took. */
    public record Pause(long endNanos, long millis) {
    }

    /** The pauses between two moments: how many, their total and the longest, in milliseconds. */
    public record Summary(int count, long totalMillis, long longestMillis) {

        /** The share of {@code wallSeconds} the application was stopped. */
        public double share(double wallSeconds) {
            return wallSeconds <= 0 ? 0 : totalMillis / 1000.0 / wallSeconds;
        }
    }

    private final List<Pause> pauses = new ArrayList<>();
    private final List<Registration> registrations = new ArrayList<>();

    private record Registration(NotificationEmitter emitter, NotificationListener listener) {
    }

    private GcPauses() {
    }

    /** Starts recording; empty when this JVM does not report its collections. */
    public static Optional<GcPauses> ofThisJvm() {
        GcPauses recorder = new GcPauses();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!(bean instanceof NotificationEmitter emitter) || !stopsTheApplication(bean.getName())) {
                continue;
            }
            NotificationListener listener = recorder::collected;
            emitter.addNotificationListener(listener, null, null);
            recorder.registrations.add(new Registration(emitter, listener));
        }
        return recorder.registrations.isEmpty() ? Optional.empty() : Optional.of(recorder);
    }

    /**
     * Whether the collector named {@code name} stops the application for the time it reports:
     * not G1's or Shenandoah's concurrent cycle, nor ZGC's cycles (ZGC's pauses are its own bean).
     */
    static boolean stopsTheApplication(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.contains("concurrent") && !n.contains("cycles");
    }

    private void collected(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        long now = System.nanoTime();
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        synchronized (pauses) {
            pauses.add(new Pause(now, info.getGcInfo().getDuration()));
        }
    }

    /** The pauses that ended between {@code fromNanos} and {@code toNanos} ({@code System.nanoTime()}). */
    public Summary between(long fromNanos, long toNanos) {
        int count = 0;
        long total = 0;
        long longest = 0;
        synchronized (pauses) {
            for (Pause p : pauses) {
                if (p.endNanos() - fromNanos >= 0 && toNanos - p.endNanos() >= 0) {
                    count++;
                    total += p.millis();
                    longest = Math.max(longest, p.millis());
                }
            }
        }
        return new Summary(count, total, longest);
    }

    @Override
    public void close() {
        for (Registration r : registrations) {
            try {
                r.emitter().removeNotificationListener(r.listener());
            } catch (javax.management.ListenerNotFoundException e) {
                // removed already
            }
        }
        registrations.clear();
    }
}
