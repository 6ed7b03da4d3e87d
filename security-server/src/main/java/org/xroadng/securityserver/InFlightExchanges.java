package org.xroadng.securityserver;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.xroadng.protocol.error.ErrorType;

/**
 * Counts a data plane's exchanges in progress, passing every callback on to the listener it wraps,
 * so that closing can wait for them ({@link DataPlane#close}). An exchange counts from
 * {@link #exchangeStarted} until its {@link #exchangeCompleted} or {@link #exchangeFailed}, which
 * the proxies call once its answer is ready (every logged record durable), just before writing it.
 */
final class InFlightExchanges implements ExchangeListener {

    private final ExchangeListener next;
    private final AtomicLong inProgress = new AtomicLong();
    private volatile boolean stopping;

    InFlightExchanges(ExchangeListener next) {
        this.next = next;
    }

    /**
     * From now on, exchanges that start are refused ({@link #stopping}); then waits until none is in
     * progress, at most {@code limit}, and answers whether none is. An exchange counts itself before
     * it asks, and this sets the flag before it counts, so every exchange is either waited for or
     * refused: none begins once the wait is over.
     */
    boolean stopAndAwaitNone(Duration limit) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + limit.toNanos();
        while (inProgress.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void exchangeStarted(Side side) {
        inProgress.incrementAndGet();
        next.exchangeStarted(side);
    }

    @Override
    public void exchangeCompleted(Side side, int status, long nanos) {
        inProgress.decrementAndGet();
        next.exchangeCompleted(side, status, nanos);
    }

    @Override
    public void exchangeFailed(Side side, ErrorType type, long nanos) {
        inProgress.decrementAndGet();
        next.exchangeFailed(side, type, nanos);
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    @Override
    public void signature(Side side, boolean made) {
        next.signature(side, made);
    }

    @Override
    public void providerServerFailover() {
        next.providerServerFailover();
    }
}
