package org.xroadng.securityserver.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server's budget of message body bytes held in memory at once, across all its exchanges:
 * requests being received or processed, and answers from peers or the provider's information
 * system (DESIGN.md section 9, "bytes in flight"). Exchanges take bytes through a
 * {@link Reservation} and give them all back when the exchange ends, whichever way it ends.
 * A reservation that would exceed the limit is refused at once rather than waited for, so the
 * server answers "overloaded" instead of running out of memory. Thread-safe and lock-free.
 */
public final class BodyBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final LongAdder refusals = new LongAdder();

    public BodyBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a body budget must be positive, not " + limit);
        }
        this.limit = limit;
    }

    /** A new, empty reservation for one exchange. */
    public Reservation open() {
        return new Reservation(this);
    }

    boolean tryTake(long bytes) {
        long current;
        do {
            current = used.get();
            if (bytes > limit - current) {
                refusals.increment();
                return false;
            }
        } while (!used.compareAndSet(current, current + bytes));
        return true;
    }

    void give(long bytes) {
        used.addAndGet(-bytes);
    }

    public long limit() {
        return limit;
    }

    /** Bytes reserved now. */
    public long inFlight() {
        return used.get();
    }

    /** Reservations refused because the budget was spent. */
    public long refusals() {
        return refusals.sum();
    }
}
