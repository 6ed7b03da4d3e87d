package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
    void zero_isNoWarmUp() throws InterruptedException {
        assertTrue(new WarmUp(Duration.ZERO, Duration.ofMinutes(5)).await().compareTo(Duration.ofMillis(100)) < 0);
    }

    @Test
    void aMaximumBelowTheMinimum_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    }
}
