package org.xroadng.securityserver.log;

/**
 * The message log could not store or read a record: the database failed, the log is closed or
 * overloaded, or a stored body could not be decrypted. A failed append stored nothing that the
 * caller may rely on; the caller must not release the response.
 */
public class MessageLogException extends Exception {

    public MessageLogException(String message) {
        super(message);
    }

    public MessageLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
