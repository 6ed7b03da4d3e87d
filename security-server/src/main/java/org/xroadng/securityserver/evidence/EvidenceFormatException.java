package org.xroadng.securityserver.evidence;

/** A file that is not an evidence bundle this version can read: not JSON, wrong shape, format or version. */
public final class EvidenceFormatException extends Exception {

    public EvidenceFormatException(String message) {
        super(message);
    }
}
