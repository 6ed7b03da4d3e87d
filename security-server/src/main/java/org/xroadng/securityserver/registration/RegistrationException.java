package org.xroadng.securityserver.registration;

/**
 * A management request could not be filed: this server is not ready (no certificate, unknown
 * client), the global configuration or an OCSP response could not be had, or the registry refused
 * the request. In the last case {@link #registryStatus()} and {@link #type()} are the registry's
 * and the message is the registry's own, so the operator reads why.
 */
public final class RegistrationException extends Exception {

    /** Where the failure arose. */
    public enum Kind {
        /** This server lacks what the request needs; fix it locally and try again. */
        NOT_READY,
        /** The registry, its global configuration or the OCSP responder could not be used. */
        UNAVAILABLE,
        /** The registry answered and refused the request. */
        REFUSED
    }

    private final Kind kind;
    private final int registryStatus;
    private final String type;

    public RegistrationException(Kind kind, int registryStatus, String type, String message) {
        super(message);
        this.kind = kind;
        this.registryStatus = registryStatus;
        this.type = type;
    }

    public RegistrationException(Kind kind, String type, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.registryStatus = 0;
        this.type = type;
    }

    public static RegistrationException notReady(String message) {
        return new RegistrationException(Kind.NOT_READY, 0, "Registration.NotReady", message);
    }

    public Kind kind() {
        return kind;
    }

    /** The registry's HTTP status for {@link Kind#REFUSED}, otherwise 0. */
    public int registryStatus() {
        return registryStatus;
    }

    /** The error type: the registry's for {@link Kind#REFUSED}, else {@code Registration.*}. */
    public String type() {
        return type;
    }
}
