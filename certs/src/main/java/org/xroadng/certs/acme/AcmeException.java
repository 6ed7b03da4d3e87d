package org.xroadng.certs.acme;

import java.util.Objects;

/**
 * An ACME request refused (by our server, answered as a problem document) or a problem document
 * received (by our client). {@link #type()} is the full error type URN; the message is the
 * problem's {@code detail}, written for the operator.
 */
public final class AcmeException extends Exception {

    private final String type;
    private final int status;

    public AcmeException(AcmeError error, String detail) {
        this(error.type(), error.status(), detail);
    }

    public AcmeException(String type, int status, String detail) {
        super(detail);
        this.type = Objects.requireNonNull(type, "type");
        this.status = status;
    }

    /** The error type URN, such as {@code urn:ietf:params:acme:error:badNonce}; {@code about:blank} if none was given. */
    public String type() {
        return type;
    }

    /** The HTTP status; 0 when the failure happened before any answer (a connection refused). */
    public int status() {
        return status;
    }

    public boolean is(AcmeError error) {
        return error.type().equals(type);
    }
}
