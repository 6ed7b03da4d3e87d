package org.xroadng.securityserver.log;

/**
 * Observes the message log's writer, for metrics and tests. Called on the writer thread after a
 * batch's transaction ended and before its appends complete; a slow listener slows the log.
 */
public interface MessageLogListener {

    /** Observes nothing. */
    MessageLogListener NONE = new MessageLogListener() {
    };

    /** A batch of {@code exchanges} exchanges ({@code rows} rows) is durable as configured. */
    default void batchWritten(int exchanges, int rows) {
    }

    /** A batch failed; its appends fail with {@code cause}. */
    default void batchFailed(int exchanges, MessageLogException cause) {
    }
}
