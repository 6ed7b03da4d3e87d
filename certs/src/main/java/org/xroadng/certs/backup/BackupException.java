package org.xroadng.certs.backup;

/**
 * A backup archive cannot be made or is refused: changed after it was signed, signed by another
 * component, sealed with another passphrase, or not an archive at all. The message says which.
 */
public final class BackupException extends Exception {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
