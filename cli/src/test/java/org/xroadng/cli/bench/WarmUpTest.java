package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void lastsItsMinimumAndNeverItsMaximumPlusAStep() throws InterruptedException {
        Duration lasted = new WarmUp(Duration.ofMillis(200), Duration.ofMillis(200)).await();

        assertTrue(lasted.compareTo(Duration.ofMillis(200)) >= 0, lasted.toString());
        assertTrue(lasted.compareTo(Duration.ofMillis(200).plus(WarmUp.STEP)) < 0,
                "a maximum below one more step ends the warm-up: " + lasted);
    }

    @Test
    void midway_runsOnceHalfWayThroughTheMinimum() throws InterruptedException {
        List<Long> ranAt = new ArrayList<>();
        long start = System.nanoTime();
        Duration lasted = new WarmUp(Duration.ofMillis(400), Duration.ofMillis(400))
                .midway(() -> ranAt.add((System.nanoTime() - start) / 1_000_000)).await();

        assertEquals(1, ranAt.size(), "ran once");
        assertTrue(ranAt.get(0) >= 200 && ranAt.get(0) < 400, "half way, not at the start or the end: " + ranAt);
        assertTrue(lasted.compareTo(Duration.ofMillis(400)) >= 0, "the minimum still holds: " + lasted);
    }

    @Test
    void zeroMinimum_runsNothingMidway() throws InterruptedException {
        List<String> ran = new ArrayList<>();
        new WarmUp(Duration.ZERO, Duration.ofMinutes(1)).midway(() -> ran.add("ran")).await();

        assertTrue(ran.isEmpty(), "no warm-up, nothing in it");
    }

    @Test
    void zero_isNoWarmUp() throws InterruptedException {
        assertTrue(new WarmUp(Duration.ZERO, Duration.ofMinutes(5)).await().compareTo(Duration.ofMillis(100)) < 0);
    }

    @Test
    void aMaximumBelowTheMinimum_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    }
}
