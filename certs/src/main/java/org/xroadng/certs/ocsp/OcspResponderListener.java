package org.xroadng.certs.ocsp;

import java.util.List;

/**
 * Told of each answer an {@link OcspResponder} gives, for metrics: called on the request's thread
 * after the response is built. Implementations must be quick and must not throw.
 */
public interface OcspResponderListener {

    /** Does nothing. */
    OcspResponderListener NONE = new OcspResponderListener() {
    };

    /** A certificate's status in a {@code SingleResponse} (RFC 6960 section 2.2). */
    enum CertStatus {
        GOOD, REVOKED, UNKNOWN
    }

    /** A non-successful {@code OCSPResponseStatus} the responder answers with (RFC 6960 section 4.2.1). */
    enum Refusal {
        MALFORMED_REQUEST, INTERNAL_ERROR
    }

    /**
     * A signed {@code successful} response, its single responses' statuses in request order, built
     * in {@code nanos}.
     */
    default void answered(List<CertStatus> statuses, long nanos) {
    }

    /** An unsigned response with {@code refusal} as its status, built in {@code nanos}. */
    default void refused(Refusal refusal, long nanos) {
    }
}
