package org.xroadng.certs.tsa;

/**
 * Told of each answer a {@link TimeStampAuthority} gives, for metrics: called on the request's
 * thread after the response is built. Implementations must be quick and must not throw.
 */
public interface TsaListener {

    /** Does nothing. */
    TsaListener NONE = new TsaListener() {
    };

    /** A time-stamp token was granted, built and signed in {@code nanos}. */
    default void granted(long nanos) {
    }

    /**
     * The request was answered with a {@code rejection} whose failInfo (RFC 3161 section 2.4.2) is
     * {@code failInfo}, as {@code "badAlg"} or {@code "systemFailure"} (the TSA itself failed: its
     * key or its generator), after {@code nanos}.
     */
    default void rejected(String failInfo, long nanos) {
    }
}
