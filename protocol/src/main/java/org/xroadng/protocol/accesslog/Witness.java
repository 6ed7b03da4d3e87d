package org.xroadng.protocol.accesslog;

import java.util.Optional;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The registry's checkpoint witness as its clients see it (DESIGN.md section 5): security servers
 * submit checkpoints, portals ask what was accepted. {@link WitnessClient} reaches it over HTTP.
 */
public interface Witness {

    /** The latest checkpoint the witness accepted from {@code server}, empty if none. */
    Optional<WitnessedCheckpoint> latest(SecurityServerId server) throws WitnessException;

    /** The checkpoint of exactly {@code size} events the witness accepted from {@code server}, empty if none. */
    Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) throws WitnessException;

    /**
     * Submits a checkpoint. Returns what the witness now holds for the server: the new checkpoint,
     * or the already accepted one of the same size and root. A refusal (bad signature, history
     * inconsistent with what the witness saw, stale {@code fromSize}) is a
     * {@link WitnessException} with {@link WitnessException#refused()} true.
     */
    WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException;
}
