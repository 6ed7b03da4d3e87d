package org.xroadng.securityserver;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;

/**
 * Where the proxies turn the logs' troubles into wire errors (STYLE.md 13: the logs throw their
 * own exceptions, the edge chooses the {@link ErrorType}). An exchange the server cannot keep as
 * evidence is refused with its side's {@code TimestampingFailed} while its time-stamps are overdue
 * ({@link TimestampingOverdueException}), and with {@code LoggingFailed} while the log says it is
 * {@linkplain MessageLog#unavailable() unavailable}: both before any work. After the work, a
 * failed append withholds the answer with the same errors.
 */
public final class LogRefusals {

    /** The errors one proxy answers with: its side's {@code TimestampingFailed} and {@code LoggingFailed}. */
    public record Side(ErrorType timestampingFailed, ErrorType loggingFailed) {
    }

    /** The client proxy's (consumer side) errors. */
    public static final Side CLIENT_PROXY = new Side(ErrorType.CLIENT_PROXY_TIMESTAMPING_FAILED,
            ErrorType.CLIENT_PROXY_LOGGING_FAILED);
    /** The server proxy's (provider side) errors. */
    public static final Side SERVER_PROXY = new Side(ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED,
            ErrorType.SERVER_PROXY_LOGGING_FAILED);

    /**
     * How long an exchange waits for its records to be durable. A healthy log takes milliseconds
     * (a group commit and an fsync); one that takes longer is failing (a disk refusing writes, H2
     * waiting on its file lock while it reopens a store), and the exchange is refused rather than
     * left hanging: its records may still be written, but no answer goes out without them.
     */
    public static final Duration LOG_DEADLINE = Duration.ofSeconds(5);

    private LogRefusals() {
    }

    /**
     * {@code append}, failed with a {@link MessageLogException} when it is not done within
     * {@link #LOG_DEADLINE}.
     */
    public static CompletableFuture<Void> withinDeadline(CompletableFuture<Void> append) {
        return append.orTimeout(LOG_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(cause instanceof TimeoutException
                    ? new MessageLogException("the log did not keep the exchange within "
                            + LOG_DEADLINE.toSeconds() + " s", cause)
                    : cause);
        });
    }

    /**
     * Refuses at once, with {@code side}'s error, while {@code log} will not take exchanges: its
     * time-stamps are overdue, or it cannot keep exchanges at all.
     */
    public static void checkAccepting(MessageLog log, Side side) throws ExchangeException {
        try {
            log.checkAccepting();
        } catch (TimestampingOverdueException e) {
            throw new ExchangeException(side.timestampingFailed(), e.getMessage());
        }
        Optional<String> down = log.unavailable();
        if (down.isPresent()) {
            throw new ExchangeException(side.loggingFailed(), "this security server cannot keep exchanges as"
                    + " evidence now: " + down.get());
        }
    }

    /**
     * The refusal for a failed append, if that is what {@code cause} is: time-stamps overdue
     * ({@link TimestampingOverdueException}, saying why), or a {@link MessageLogException} among
     * its causes. The storage's own words stay in the server's log (the writers log each failed
     * batch): the answer goes to an information system or a peer's server.
     */
    public static Optional<ExchangeException> ofFailure(Throwable cause, Side side) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimestampingOverdueException overdue) {
                return Optional.of(new ExchangeException(side.timestampingFailed(), overdue.getMessage()));
            }
            if (t instanceof MessageLogException) {
                return Optional.of(new ExchangeException(side.loggingFailed(), "this security server could not"
                        + " keep the exchange as evidence, so its answer is withheld; its operator can find the"
                        + " cause in its log"));
            }
        }
        return Optional.empty();
    }
}
