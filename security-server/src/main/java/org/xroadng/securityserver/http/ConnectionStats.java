package org.xroadng.securityserver.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one listener's resource guards have done, for metrics: connections open now, refused for
 * the connection limit, and closed for idling between exchanges or for not finishing a request's
 * head in time. Thread-safe; updated from the event loops.
 */
public final class ConnectionStats {

    final AtomicInteger open = new AtomicInteger();
    final LongAdder refused = new LongAdder();
    final LongAdder closedIdle = new LongAdder();
    final LongAdder closedSlow = new LongAdder();

    public int open() {
        return open.get();
    }

    /** Connections closed at once because the listener already had its limit open. */
    public long refusedForLimit() {
        return refused.sum();
    }

    /** Connections closed after waiting longer than the idle timeout for the next request. */
    public long closedIdle() {
        return closedIdle.sum();
    }

    /** Connections closed because a request's head or body did not arrive in time. */
    public long closedSlow() {
        return closedSlow.sum();
    }
}
