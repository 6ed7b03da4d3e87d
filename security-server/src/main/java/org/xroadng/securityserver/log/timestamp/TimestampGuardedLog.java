package org.xroadng.securityserver.log.timestamp;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

/**
 * A {@link MessageLog} that refuses new exchanges while timestamping is overdue (DESIGN.md section
 * 6): {@link #checkAccepting} refuses them before any work is done, and an append that arrives
 * after stamping became overdue fails with a {@link TimestampingOverdueException}, storing
 * nothing, so the proxy answers with its side's error instead of releasing the response.
 */
public final class TimestampGuardedLog implements MessageLog {

    private final MessageLog inner;
    private final TimestampHealth health;

    public TimestampGuardedLog(MessageLog inner, TimestampHealth health) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public Optional<String> unavailable() {
        return inner.unavailable();
    }

    /** Refused attempts are recorded whatever the timestamping: they carry no signed evidence to stamp. */
    @Override
    public CompletableFuture<Void> refused(ExchangeRecord attempt, String refusal) {
        return inner.refused(attempt, refusal);
    }

    @Override
    public CompletableFuture<Void> accessed(ExchangeRecord access) {
        return inner.accessed(access);
    }

    @Override
    public void checkAccepting() throws TimestampingOverdueException {
        health.check();
    }

    @Override
    public CompletableFuture<Void> append(ExchangeRecord record) {
        Objects.requireNonNull(record, "record");
        try {
            health.check();
        } catch (TimestampingOverdueException e) {
            return CompletableFuture.failedFuture(e);
        }
        return inner.append(record);
    }
}
