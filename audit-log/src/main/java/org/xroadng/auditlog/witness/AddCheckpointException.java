package org.xroadng.auditlog.witness;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The witness refused an add-checkpoint request; nothing was cosigned or stored. {@link #reason()}
 * fixes the HTTP status C2SP tlog-witness requires ({@link Reason#status()}); the message says what
 * was wrong and what was expected. Immutable.
 */
public final class AddCheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Which check refused, with the status tlog-witness prescribes for it. */
    public enum Reason {
        /** The body is not an old-size line, proof lines, a blank line and a checkpoint note; or old size exceeds the size. */
        MALFORMED(400),
        /** No trusted key of the origin's log signed the checkpoint, or a trusted key's signature fails. */
        BAD_SIGNATURE(403),
        /** The witness follows no log with the checkpoint's origin. */
        UNKNOWN_LOG(404),
        /** The old size is not the size of the latest checkpoint this witness cosigned (the answer names that size). */
        OLD_SIZE_MISMATCH(409),
        /** Old size equals the size, but the root differs from the one cosigned at that size: a split view. */
        ROOT_CONFLICT(409),
        /** The consistency proof from the cosigned checkpoint to this one does not verify. */
        BAD_PROOF(422);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;
    private final long currentSize;

    private AddCheckpointException(Reason reason, String message, long currentSize) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.currentSize = currentSize;
    }

    public AddCheckpointException(Reason reason, String message) {
        this(reason, message, -1);
    }

    /** A 409 carrying the size of the latest checkpoint the witness cosigned for the origin (0 if none). */
    static AddCheckpointException oldSizeMismatch(String message, long currentSize) {
        return new AddCheckpointException(Reason.OLD_SIZE_MISMATCH, message, currentSize);
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#OLD_SIZE_MISMATCH}: the size the witness holds, which the answer body states. */
    public OptionalLong currentSize() {
        return currentSize < 0 ? OptionalLong.empty() : OptionalLong.of(currentSize);
    }
}
