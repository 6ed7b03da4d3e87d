package org.xroadng.auditlog.witness;

import java.util.List;
import java.util.Objects;
import org.xroadng.auditlog.note.NoteVerifierKey;

/**
 * A log a witness follows: its origin (a checkpoint's first line) and the Ed25519 note keys
 * (type 0x01) whose signature on a checkpoint the witness accepts (tlog-witness: "configured with a
 * list of supported log public keys"). Immutable.
 */
public record FollowedLog(String origin, List<NoteVerifierKey> keys) {

    public FollowedLog {
        if (origin == null || origin.isEmpty() || origin.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("log origin: expected a non-empty single line; actual '" + origin + "'");
        }
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("log " + origin + ": expected at least one verifier key; actual none");
        }
        for (NoteVerifierKey key : keys) {
            if (key.type() != NoteVerifierKey.ED25519) {
                throw new IllegalArgumentException("log " + origin + ": expected Ed25519 note keys (type 0x01); actual "
                        + key.format());
            }
        }
        Objects.requireNonNull(origin);
    }
}
