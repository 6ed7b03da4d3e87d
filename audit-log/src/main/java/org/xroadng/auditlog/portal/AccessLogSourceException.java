package org.xroadng.auditlog.portal;

/** A server's access log could not be fetched or its answer could not be read; the message says which server and why. */
public final class AccessLogSourceException extends Exception {

    private static final long serialVersionUID = 1L;

    public AccessLogSourceException(String message) {
        super(message);
    }

    public AccessLogSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
