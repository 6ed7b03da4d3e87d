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

/**
 * Where the proxies turn the logs' troubles into wire errors (STYLE.md 13: the logs throw their
 * own exceptions, the edge chooses the {@link ErrorType}). An exchange the server cannot keep as
 * evidence is refused with {@code *.LoggingFailed}: before any work while the log says it is
 * {@linkplain MessageLog#unavailable() unavailable}, and after the work when its append failed,
 * in which case the answer is withheld.
 */
public final class LogRefusals {

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

    /** Refuses at once, with {@code type}, while {@code log} cannot keep exchanges at all. */
    public static void checkAvailable(MessageLog log, ErrorType type) throws ExchangeException {
        Optional<String> down = log.unavailable();
        if (down.isPresent()) {
            throw new ExchangeException(type, "this security server cannot keep exchanges as evidence now: "
                    + down.get());
        }
    }

    /**
     * The refusal for a failed append ({@link MessageLogException} among its causes), if that is
     * what {@code cause} is. The storage's own words stay in the server's log (the writers log each
     * failed batch): the answer goes to an information system or a peer's server.
     */
    public static Optional<ExchangeException> ofFailure(Throwable cause, ErrorType type) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof MessageLogException) {
                return Optional.of(new ExchangeException(type, "this security server could not keep the exchange"
                        + " as evidence, so its answer is withheld; its operator can find the cause in its log"));
            }
        }
        return Optional.empty();
    }
}
