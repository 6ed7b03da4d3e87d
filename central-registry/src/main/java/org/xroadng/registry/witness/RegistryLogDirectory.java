package org.xroadng.registry.witness;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.witness.FollowedLog;
import org.xroadng.auditlog.witness.LogDirectory;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The logs the registry's C2SP witness follows: the access log of every security server whose
 * latest checkpoint the registry accepted ({@link CheckpointWitness}) names a note key. That JWS
 * was signed by the server owner's certified signing key and checked when accepted, so the note key
 * is the one the owner vouched for; the origin is the server's ({@link AccessLogOrigin}).
 */
public final class RegistryLogDirectory implements LogDirectory {

    private final CheckpointWitness checkpoints;

    public RegistryLogDirectory(CheckpointWitness checkpoints) {
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    @Override
    public Optional<FollowedLog> find(String origin) {
        Optional<SecurityServerId> server = AccessLogOrigin.server(origin);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        Optional<WitnessedCheckpoint> latest = checkpoints.latest(server.get());
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        try {
            String noteKey = CheckpointCodec.unverifiedCheckpoint(latest.get().checkpoint()).noteKey();
            if (noteKey == null) {
                return Optional.empty();
            }
            return Optional.of(new FollowedLog(origin, List.of(NoteVerifierKey.parse(noteKey))));
        } catch (AccessLogFormatException | NoteFormatException | IllegalArgumentException e) {
            return Optional.empty(); // a key the witness cannot use: the log is not followed
        }
    }
}
