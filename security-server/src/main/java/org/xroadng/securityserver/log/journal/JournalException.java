package org.xroadng.securityserver.log.journal;

/**
 * The journal could not store, read, recover or release entries. The message says what failed
 * and where (the directory or segment file, and the offset when one is known). After a failed
 * {@link Journal#append} or {@link Journal#commit} nothing that was not committed before may be
 * relied on, and the journal refuses appends until {@link Journal#rollback} succeeds.
 */
public class JournalException extends Exception {

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
