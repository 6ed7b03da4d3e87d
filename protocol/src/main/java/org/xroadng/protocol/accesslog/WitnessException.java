package org.xroadng.protocol.accesslog;

/**
 * The witness could not be reached or answered badly ({@link #refused()} false), or it refused a
 * submission ({@link #refused()} true; {@link #status()} is its HTTP status and the message its
 * reason).
 */
public final class WitnessException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean refused;
    private final int status;

    public WitnessException(String message, Throwable cause) {
        super(message, cause);
        this.refused = false;
        this.status = 0;
    }

    private WitnessException(String message, int status) {
        super(message);
        this.refused = true;
        this.status = status;
    }

    /** The witness answered {@code status} and refused, for the reason {@code message}. */
    public static WitnessException refused(String message, int status) {
        return new WitnessException(message, status);
    }

    public boolean refused() {
        return refused;
    }

    /** The HTTP status of a refusal; 0 when the witness was not reached. */
    public int status() {
        return status;
    }
}
