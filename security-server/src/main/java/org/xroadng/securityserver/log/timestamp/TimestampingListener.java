package org.xroadng.securityserver.log.timestamp;

/**
 * Observes the {@link BatchTimestamper}, for metrics, alerts and tests. Called on the timestamper's
 * thread; a slow listener delays stamping.
 */
public interface TimestampingListener {

    /** Observes nothing. */
    TimestampingListener NONE = new TimestampingListener() {
    };

    /** A batch was time-stamped and stored (its records' inclusion paths are computed when asked for). */
    default void batchStamped(TimestampBatch batch) {
    }

    /** Records were waiting and none could be stamped; {@code reason} says why, per TSA. */
    default void stampingFailed(int waitingRecords, String reason) {
    }
}
