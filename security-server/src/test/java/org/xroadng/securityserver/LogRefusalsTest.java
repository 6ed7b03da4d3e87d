package org.xroadng.securityserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;

/** The edge chooses the wire error for the logs' own exceptions, by the proxy's side. */
class LogRefusalsTest {

    /** A log that is overdue, unavailable, both or neither. */
    private static MessageLog log(boolean overdue, String unavailable) {
        return new MessageLog() {
            @Override
            public CompletableFuture<Void> append(ExchangeRecord record) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void checkAccepting() throws TimestampingOverdueException {
                if (overdue) {
                    throw new TimestampingOverdueException("timestamping has failed since 10:00");
                }
            }

            @Override
            public Optional<String> unavailable() {
                return Optional.ofNullable(unavailable);
            }
        };
    }

    @Test
    void overdueTimestamps_refusedWithEachSidesTimestampingFailed_sayingWhy() {
        ExchangeException client = assertThrows(ExchangeException.class,
                () -> LogRefusals.checkAccepting(log(true, "disk"), LogRefusals.CLIENT_PROXY));
        ExchangeException server = assertThrows(ExchangeException.class,
                () -> LogRefusals.checkAccepting(log(true, null), LogRefusals.SERVER_PROXY));

        assertEquals(ErrorType.CLIENT_PROXY_TIMESTAMPING_FAILED, client.type());
        assertEquals(ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED, server.type());
        assertTrue(server.getMessage().contains("since 10:00"), server.getMessage());
    }

    @Test
    void unavailableLog_refusedWithEachSidesLoggingFailed() throws ExchangeException {
        ExchangeException client = assertThrows(ExchangeException.class,
                () -> LogRefusals.checkAccepting(log(false, "the journal cannot be written"), LogRefusals.CLIENT_PROXY));
        ExchangeException server = assertThrows(ExchangeException.class,
                () -> LogRefusals.checkAccepting(log(false, "the journal cannot be written"), LogRefusals.SERVER_PROXY));

        assertEquals(ErrorType.CLIENT_PROXY_LOGGING_FAILED, client.type());
        assertEquals(ErrorType.SERVER_PROXY_LOGGING_FAILED, server.type());
        assertTrue(client.getMessage().contains("the journal cannot be written"), client.getMessage());
        LogRefusals.checkAccepting(log(false, null), LogRefusals.SERVER_PROXY);
    }

    @Test
    void failedAppend_mappedByItsCauseAnywhereInTheChain() {
        Throwable overdue = new CompletionException(new TimestampingOverdueException("overdue since 10:00"));
        Throwable storage = new CompletionException(new MessageLogException("H2: disk full"));

        ExchangeException stamping = LogRefusals.ofFailure(overdue, LogRefusals.SERVER_PROXY).orElseThrow();
        ExchangeException logging = LogRefusals.ofFailure(storage, LogRefusals.CLIENT_PROXY).orElseThrow();

        assertEquals(ErrorType.SERVER_PROXY_TIMESTAMPING_FAILED, stamping.type());
        assertTrue(stamping.getMessage().contains("overdue since 10:00"), stamping.getMessage());
        assertEquals(ErrorType.CLIENT_PROXY_LOGGING_FAILED, logging.type());
        assertFalse(logging.getMessage().contains("H2"), "the storage's words stay in the server's log");
        assertTrue(LogRefusals.ofFailure(new IllegalStateException("bug"), LogRefusals.CLIENT_PROXY).isEmpty());
    }
}
