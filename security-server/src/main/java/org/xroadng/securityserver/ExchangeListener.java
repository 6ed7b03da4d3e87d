package org.xroadng.securityserver;

import org.xroadng.protocol.error.ErrorType;

/**
 * Observes exchanges as they pass a proxy, for metrics and tracing, without the proxies knowing
 * what is measured. Every started exchange ends in exactly one of {@link #exchangeCompleted} and
 * {@link #exchangeFailed}. Called on the proxies' threads: implementations must be fast and must
 * not throw.
 */
public interface ExchangeListener {

    /** Listens to nothing. */
    ExchangeListener NONE = new ExchangeListener() {
    };

    /** Which proxy saw the exchange. */
    enum Side { CONSUMER, PROVIDER }

    default void exchangeStarted(Side side) {
    }

    /**
     * Whether the server is stopping: asked by the proxies just after {@link #exchangeStarted}, and
     * when it is, the exchange is refused at once ({@code *.Overloaded}, 503) rather than begun
     * while the server closes what it needs.
     */
    default boolean stopping() {
        return false;
    }

    /** The exchange produced an answer with this HTTP status (the provider IS's, or a passed-on error). */
    default void exchangeCompleted(Side side, int status, long nanos) {
    }

    /** This server ended the exchange with an error of this type. */
    default void exchangeFailed(Side side, ErrorType type, long nanos) {
    }

    /** A signature was made or verified. */
    default void signature(Side side, boolean made) {
    }

    /**
     * The consumer side could not send a request to one of the provider's security servers (no
     * connection, a failed TLS handshake) and tries it on the next that hosts the subsystem.
     */
    default void providerServerFailover() {
    }
}
