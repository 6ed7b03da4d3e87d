package org.xroadng.auditlog.witness;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * Security servers' access logs, each with the note key its server named ({@code noteKey}) in the
 * latest JWS checkpoint the registry accepted from it. Such a checkpoint is signed by the server
 * owner's certified signing key and was checked by the registry when accepted, so the note key is
 * the one the owner vouched for. An origin that is no server's access log, a server without such a
 * checkpoint or key, or a key that cannot be read: not followed. The registry's own witness uses
 * its database; an independent witness asks the registry (signed answers, checked against the
 * anchor).
 */
public final class VouchedNoteKeys implements LogDirectory {

    private final Function<SecurityServerId, Optional<String>> latestCheckpoint;

    /** @param latestCheckpoint the compact JWS of the latest checkpoint the registry accepted from a server */
    public VouchedNoteKeys(Function<SecurityServerId, Optional<String>> latestCheckpoint) {
        this.latestCheckpoint = Objects.requireNonNull(latestCheckpoint, "latestCheckpoint");
    }

    @Override
    public Optional<FollowedLog> find(String origin) {
        Optional<SecurityServerId> server = AccessLogOrigin.server(origin);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> jws = latestCheckpoint.apply(server.get());
        if (jws.isEmpty()) {
            return Optional.empty();
        }
        try {
            String noteKey = CheckpointCodec.unverifiedCheckpoint(jws.get()).noteKey();
            if (noteKey == null) {
                return Optional.empty();
            }
            return Optional.of(new FollowedLog(origin, List.of(NoteVerifierKey.parse(noteKey))));
        } catch (AccessLogFormatException | NoteFormatException | IllegalArgumentException e) {
            return Optional.empty(); // a key the witness cannot use: the log is not followed
        }
    }

    /** {@code first}'s log for an origin when it has one, else {@code second}'s. */
    public static LogDirectory either(LogDirectory first, LogDirectory second) {
        return origin -> {
            Optional<FollowedLog> log = first.find(origin);
            return log.isPresent() ? log : second.find(origin);
        };
    }
}
