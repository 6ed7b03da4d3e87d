package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GcPausesTest {

    @Test
    void collectionDuringTheWindow_isCounted_andNoneOutsideIt() throws InterruptedException {
        try (GcPauses pauses = GcPauses.ofThisJvm().orElseThrow()) {
            long before = System.nanoTime();
            System.gc(); // a full collection stops the application under every collector this JVM may run
            // the JVM reports a collection from its own thread, just after it ends
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pauses.between(before, System.nanoTime()).count() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            long after = System.nanoTime();

            GcPauses.Summary during = pauses.between(before, after);
            assertTrue(during.count() >= 1, "the requested collection");
            assertTrue(during.totalMillis() >= during.longestMillis());
            assertEquals(0, pauses.between(before - TimeUnit.SECONDS.toNanos(60), before - 1).count());
        }
    }

    @Test
    void concurrentCycles_areNoPauses() {
        assertTrue(GcPauses.stopsTheApplication("G1 Young Generation"));
        assertTrue(GcPauses.stopsTheApplication("G1 Old Generation"));
        assertTrue(GcPauses.stopsTheApplication("ZGC Pauses"));
        assertFalse(GcPauses.stopsTheApplication("G1 Concurrent GC"));
        assertFalse(GcPauses.stopsTheApplication("ZGC Cycles"));
        assertFalse(GcPauses.stopsTheApplication("Shenandoah Cycles"));
    }

    @Test
    void share_isThePausedPartOfTheWallTime() {
        assertEquals(0.05, new GcPauses.Summary(3, 500, 300).share(10), 1e-9);
        assertEquals(0, new GcPauses.Summary(0, 0, 0).share(0));
    }
}
