package org.xroadng.securityserver.log.timestamp;

import java.time.Duration;

/**
 * How the message log's records are time-stamped in batches (DESIGN.md section 6). Validated when
 * created; a bad value is refused with the setting's name, the value given and what is allowed.
 *
 * @param interval         how often the timestamper looks for unstamped records
 * @param maxBatchRecords  most records in one time-stamped tree; this many waiting records also
 *                         start a run at once, without waiting for the interval
 * @param tsaTimeout       how long one TSA may take to answer before the next one is asked
 */
public record TimestampingSettings(Duration interval, int maxBatchRecords, Duration tsaTimeout) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_BATCH_RECORDS = 10_000;
    public static final Duration DEFAULT_TSA_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);
    private static final int MAX_BATCH_LIMIT = 1_000_000;
    private static final Duration MAX_TSA_TIMEOUT = Duration.ofMinutes(5);

    public TimestampingSettings {
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("messageLog.timestamping.interval is " + interval
                    + "; allowed: " + MIN_INTERVAL + " to " + MAX_INTERVAL);
        }
        if (maxBatchRecords < 1 || maxBatchRecords > MAX_BATCH_LIMIT) {
            throw new IllegalArgumentException("messageLog.timestamping.maxBatchRecords is " + maxBatchRecords
                    + "; allowed: 1 to " + MAX_BATCH_LIMIT);
        }
        if (tsaTimeout == null || tsaTimeout.isNegative() || tsaTimeout.isZero()
                || tsaTimeout.compareTo(MAX_TSA_TIMEOUT) > 0) {
            throw new IllegalArgumentException("messageLog.timestamping.tsaTimeout is " + tsaTimeout
                    + "; allowed: more than 0 up to " + MAX_TSA_TIMEOUT);
        }
    }

    /** Every second, at most 10,000 records per batch, 10 s per TSA. */
    public static TimestampingSettings defaults() {
        return new TimestampingSettings(DEFAULT_INTERVAL, DEFAULT_MAX_BATCH_RECORDS, DEFAULT_TSA_TIMEOUT);
    }
}
