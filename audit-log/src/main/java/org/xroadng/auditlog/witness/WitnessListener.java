package org.xroadng.auditlog.witness;

/**
 * Told of each add-checkpoint outcome, for metrics and logs; called on the request's thread after
 * the outcome is durable. Implementations must be quick and must not throw.
 */
public interface WitnessListener {

    /** Does nothing. */
    WitnessListener NONE = new WitnessListener() {
    };

    /** A checkpoint of {@code origin} at {@code size} was cosigned and stored. */
    default void cosigned(String origin, long size) {
    }

    /** A request was refused for {@code reason}. */
    default void refused(AddCheckpointException.Reason reason) {
    }

    /** A split view was detected and its proof stored. */
    default void splitView(SplitView proof) {
    }
}
