package org.xroadng.registry.witness;

/**
 * Told of each checkpoint submission the registry's witness decided, for metrics: called on the
 * request's thread after the decision is durable. Implementations must be quick and must not throw.
 */
public interface CheckpointWitnessListener {

    /** Does nothing. */
    CheckpointWitnessListener NONE = new CheckpointWitnessListener() {
    };

    /** Accepted: a new checkpoint stored ({@code stored}), or the last one again (nothing stored). */
    default void accepted(boolean stored) {
    }

    /** Refused for {@code reason}. */
    default void refused(CheckpointRefusedException.Reason reason) {
    }
}
