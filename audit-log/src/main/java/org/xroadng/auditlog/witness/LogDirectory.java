package org.xroadng.auditlog.witness;

import java.util.Optional;

/**
 * Which logs a witness follows, asked once per submission so that a directory fed by the global
 * configuration can change while the witness runs. Implementations are thread-safe.
 */
@FunctionalInterface
public interface LogDirectory {

    /** The log with this exact origin, empty when the witness does not follow it. */
    Optional<FollowedLog> find(String origin);
}
