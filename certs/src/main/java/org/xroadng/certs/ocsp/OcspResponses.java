package org.xroadng.certs.ocsp;

import java.io.IOException;
import org.bouncycastle.asn1.ocsp.OCSPResponse;
import org.bouncycastle.asn1.ocsp.OCSPResponseStatus;
import org.bouncycastle.cert.ocsp.OCSPResp;

/** Encodings shared by the responder and its HTTP binding. */
final class OcspResponses {

    private OcspResponses() {
    }

    /** A DER {@code OCSPResponse} with an error status and no body (RFC 6960 section 4.2.1). */
    static byte[] statusOnly(int status) {
        try {
            return new OCSPResp(new OCSPResponse(new OCSPResponseStatus(status), null)).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an OCSPResponse status", e);
        }
    }

    /** The RFC 6960 name of a response status, for messages. */
    static String statusName(int status) {
        return switch (status) {
            case OCSPResponseStatus.SUCCESSFUL -> "successful";
            case OCSPResponseStatus.MALFORMED_REQUEST -> "malformedRequest";
            case OCSPResponseStatus.INTERNAL_ERROR -> "internalError";
            case OCSPResponseStatus.TRY_LATER -> "tryLater";
            case OCSPResponseStatus.SIG_REQUIRED -> "sigRequired";
            case OCSPResponseStatus.UNAUTHORIZED -> "unauthorized";
            default -> "unassigned(" + status + ")";
        };
    }
}
