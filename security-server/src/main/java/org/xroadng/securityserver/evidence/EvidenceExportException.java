package org.xroadng.securityserver.evidence;

/**
 * An exchange that cannot be exported as evidence: no such exchange, not time-stamped yet, or the
 * message log cannot be read.
 */
public final class EvidenceExportException extends Exception {

    public EvidenceExportException(String message) {
        super(message);
    }

    public EvidenceExportException(String message, Throwable cause) {
        super(message, cause);
    }
}
