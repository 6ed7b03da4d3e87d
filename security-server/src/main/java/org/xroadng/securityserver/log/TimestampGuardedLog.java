package org.xroadng.securityserver.log;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;

/**
 * A {@link MessageLog} that refuses new exchanges while timestamping is overdue (DESIGN.md section
 * 6): {@link #checkAccepting} refuses them before any work is done, and an append that arrives
 * after stamping became overdue fails with the {@link ExchangeException}, storing nothing, so the
 * proxy answers with that error instead of releasing the response.
 *
 * <p>The error type follows the record's side: {@code consumer} →
 * {@link ErrorType#CLIENT_PROXY_TIMESTAMPING_FAILED}, {@code provider} →
 * {@link ErrorType#SERVER_PROXY_TIMESTAMPING_FAILED}, unless one type is fixed at construction.
 */
public final class TimestampGuardedLog implements MessageLog {

    private final MessageLog inner;
    private final TimestampHealth health;
    private final ErrorType fixedType;

    /** Picks the error type by each record's side. */
    public TimestampGuardedLog(MessageLog inner, TimestampHealth health) {
        this(inner, health, null);
    }

    /**
     * @param type the error type for every refusal; null to pick by each record's side
     */
    public TimestampGuardedLog(MessageLog inner, TimestampHealth health, ErrorType type) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.health = Objects.requireNonNull(health, "health");
        if (type != null && type != ErrorType.CLIENT_PROXY_TIMESTAMPING_FAILED
                && type != ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED) {
            throw new IllegalArgumentException("error type is " + type + "; allowed: "
                    + ErrorType.CLIENT_PROXY_TIMESTAMPING_FAILED + ", " + ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED);
        }
        this.fixedType = type;
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
    public void checkAccepting(ErrorType type) throws ExchangeException {
        health.check(fixedType != null ? fixedType : type);
    }

    @Override
    public CompletableFuture<Void> append(ExchangeRecord record) {
        Objects.requireNonNull(record, "record");
        ErrorType type = fixedType != null ? fixedType
                : "provider".equals(record.side()) ? ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED
                : ErrorType.CLIENT_PROXY_TIMESTAMPING_FAILED;
        try {
            health.check(type);
        } catch (ExchangeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return inner.append(record);
    }
}
