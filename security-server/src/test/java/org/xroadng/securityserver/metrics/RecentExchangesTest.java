package org.xroadng.securityserver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentExchangesTest {

    private static final Instant START = Instant.parse("2026-03-01T09:00:00Z");

    private static MetricsListener.ExchangeCounts counts(long ok, long providerErrors, long refused) {
        return new MetricsListener.ExchangeCounts(ok, providerErrors, refused, Map.of());
    }

    @Test
    void beforeTheFirstSample_notKnown() {
        assertTrue(new RecentExchanges().lastMinute(START, counts(5, 0, 0)).isEmpty());
    }

    @Test
    void aServerYoungerThanAMinute_countsEverythingSinceItsFirstSample_upToNow() {
        RecentExchanges recent = new RecentExchanges();
        recent.sample(START, counts(0, 0, 0));
        // traffic after the last sample counts at once: the totals are read when asked
        RecentExchanges.Window window = recent.lastMinute(START.plusSeconds(3), counts(2, 1, 1)).orElseThrow();
        assertEquals(4, window.exchanges());
        assertEquals(2, window.errors());
        assertEquals(Duration.ofSeconds(3), window.span());
        assertFalse(window.wholeMinute());
    }

    @Test
    void afterAMinute_onlyTheLastMinuteCounts_fromTheNewestSampleAtLeastAMinuteOld() {
        RecentExchanges recent = new RecentExchanges();
        recent.sample(START, counts(0, 0, 0));
        recent.sample(START.plusSeconds(10), counts(100, 0, 10)); // the old burst
        for (int s = 12; s <= 70; s += 2) {
            recent.sample(START.plusSeconds(s), counts(100 + (s >= 40 ? 3 : 0), 0, 10));
        }
        RecentExchanges.Window window = recent.lastMinute(START.plusSeconds(71), counts(104, 0, 11)).orElseThrow();
        assertEquals(5, window.exchanges(), "the burst at 10 s is more than a minute ago");
        assertEquals(1, window.errors());
        assertEquals(Duration.ofSeconds(61), window.span(), "a minute plus less than one sampling interval");
        assertTrue(window.wholeMinute());
    }

    @Test
    void aStalledSampler_stillAnswers_overTheLongerSpanItSays() {
        RecentExchanges recent = new RecentExchanges();
        recent.sample(START, counts(0, 0, 0));
        RecentExchanges.Window window = recent.lastMinute(START.plus(Duration.ofMinutes(5)), counts(7, 0, 0))
                .orElseThrow();
        assertEquals(7, window.exchanges());
        assertEquals(Duration.ofMinutes(5), window.span());
    }
}
