package org.xroadng.certs.ocsp;

import java.net.URI;

/** Carries a DER OCSP request to a responder and brings back its DER response. */
public interface OcspTransport {

    /**
     * Posts {@code derRequest} to {@code responder} (RFC 6960 Appendix A.1) and returns the body of
     * a successful answer, unverified. An unreachable responder, an HTTP status other than 200, a
     * wrong content type or a timeout is an {@link OcspException} naming the responder and the failure.
     */
    byte[] post(URI responder, byte[] derRequest) throws OcspException;
}
