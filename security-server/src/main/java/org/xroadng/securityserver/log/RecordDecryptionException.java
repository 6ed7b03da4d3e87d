package org.xroadng.securityserver.log;

/**
 * A stored body failed AES-GCM authentication: the key is not the one it was sealed with, or the
 * ciphertext, nonce or the record fields bound to it as associated data were changed.
 */
public final class RecordDecryptionException extends MessageLogException {

    private final long recordId;

    public RecordDecryptionException(long recordId, String reason, Throwable cause) {
        super("cannot decrypt the body of message record " + recordId + ": " + reason, cause);
        this.recordId = recordId;
    }

    public long recordId() {
        return recordId;
    }
}
