package org.xroadng.securityserver.log;

/**
 * How the message log writes. Validated when created; a bad value is refused with the setting's
 * name, the value given and what is allowed.
 *
 * @param durability    when an append completes; see {@link Durability} for the trade-off
 * @param queueCapacity appends that may wait for the writer; one more is refused, not blocked
 * @param maxBatch      most exchanges written in one transaction (group commit)
 */
public record MessageLogSettings(Durability durability, int queueCapacity, int maxBatch) {

    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int DEFAULT_MAX_BATCH = 500;

    public MessageLogSettings {
        if (durability == null) {
            throw new IllegalArgumentException("messageLog.durability is missing; allowed: fsync, commit, async");
        }
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("messageLog.queueCapacity is " + queueCapacity
                    + "; allowed: 1 to 1000000");
        }
        if (maxBatch < 1 || maxBatch > 100_000) {
            throw new IllegalArgumentException("messageLog.maxBatch is " + maxBatch + "; allowed: 1 to 100000");
        }
    }

    /** {@link Durability#FSYNC}, a queue of 10,000 and batches of at most 500 exchanges. */
    public static MessageLogSettings defaults() {
        return new MessageLogSettings(Durability.FSYNC, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH);
    }

    public MessageLogSettings withDurability(Durability value) {
        return new MessageLogSettings(value, queueCapacity, maxBatch);
    }
}
