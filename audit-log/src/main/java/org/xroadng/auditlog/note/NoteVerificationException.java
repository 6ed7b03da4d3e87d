package org.xroadng.auditlog.note;

/**
 * A well-formed signed note did not verify: no signature from a trusted key, or a signature from a
 * trusted key that fails (C2SP signed-note, "Signatures": such a note is rejected whole). The
 * message names the keys expected and the signatures found. Immutable.
 */
public final class NoteVerificationException extends Exception {

    private static final long serialVersionUID = 1L;

    public NoteVerificationException(String message) {
        super(message);
    }
}
