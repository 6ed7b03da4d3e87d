package org.xroadng.securityserver.log.archive;

/**
 * Archiving the message log failed: an archive file could not be written or read, the database
 * could not be read or changed, or the archive directory and the database disagree about what has
 * been archived. The message says what was expected and what was found. Whatever failed, no
 * record has left the database without being in a complete archive file.
 */
public final class ArchiveException extends Exception {

    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
