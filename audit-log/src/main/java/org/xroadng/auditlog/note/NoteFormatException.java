package org.xroadng.auditlog.note;

/**
 * Text that should be a signed note (C2SP signed-note), a verifier key, a checkpoint (C2SP
 * tlog-checkpoint) or a cosignature is not in that format. The message says which part is wrong,
 * what was expected and what was found. Immutable.
 */
public final class NoteFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public NoteFormatException(String message) {
        super(message);
    }

    public NoteFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
