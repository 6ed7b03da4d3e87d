package org.xroadng.securityserver.http;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

/**
 * The body bytes one exchange holds from its server's {@link BodyBudget}: grown as the request and
 * the answers arrive, given back in full by {@link #close} when the exchange ends (idempotent; a
 * closed reservation grows no more). As a {@link ChannelFutureListener} it closes when the final
 * response's write completes. Thread-safe: the request's and the answer's event loops may differ.
 */
public final class Reservation implements ChannelFutureListener {

    /** Counts nothing and never refuses: for callers outside a budgeted exchange. */
    public static final Reservation NONE = new Reservation(null);

    private final BodyBudget budget;
    private long held;
    private boolean closed;

    Reservation(BodyBudget budget) {
        this.budget = budget;
    }

    /** Takes {@code bytes} more from the budget; false, taking nothing, when the budget cannot give them. */
    public synchronized boolean tryGrow(long bytes) {
        if (budget == null) {
            return true;
        }
        if (closed || !budget.tryTake(bytes)) {
            return false;
        }
        held += bytes;
        return true;
    }

    /** Gives every byte back. */
    public synchronized void close() {
        if (!closed && budget != null) {
            closed = true;
            budget.give(held);
            held = 0;
        }
    }

    /** The budget's size, for messages about a refusal. */
    public long limit() {
        return budget == null ? Long.MAX_VALUE : budget.limit();
    }

    @Override
    public void operationComplete(ChannelFuture future) {
        close();
    }
}
