package org.xroadng.certs.tsa;

import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.cmp.PKIFailureInfo;
import org.bouncycastle.asn1.cmp.PKIStatus;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;
import org.xroadng.certs.tsa.TimestampException.Check;

/**
 * The response-level checks of RFC 3161 section 2.4.2, before the token itself is verified: the
 * bytes are a TimeStampResp, its status is granted (or grantedWithMods) with a token, and the token
 * echoes the request's nonce.
 */
final class TimeStampResponseCheck {

    private TimeStampResponseCheck() {
    }

    /** The token of a granted response to {@code request}. */
    static TimeStampToken grantedToken(TimeStampRequest request, byte[] derResponse) throws TimestampException {
        TimeStampResponse response;
        try {
            response = new TimeStampResponse(derResponse);
        } catch (TSPException | IOException | RuntimeException e) {
            throw TimestampException.failed(Check.MALFORMED, "TSA answer is not a DER TimeStampResp (RFC 3161"
                    + " section 2.4.2): " + e.getMessage(), e);
        }
        int status = response.getStatus();
        if (status != PKIStatus.GRANTED && status != PKIStatus.GRANTED_WITH_MODS) {
            PKIFailureInfo failInfo = response.getFailInfo();
            throw TimestampException.rejected(status, response.getStatusString(),
                    failInfo == null ? 0 : failInfo.intValue());
        }
        TimeStampToken token = response.getTimeStampToken();
        if (token == null) {
            throw TimestampException.mismatch(Check.MALFORMED, "time-stamp token in a granted response",
                    "present", "absent");
        }
        BigInteger sent = request.getNonce();
        BigInteger echoed = token.getTimeStampInfo().getNonce();
        if (sent != null && !sent.equals(echoed)) {
            throw TimestampException.mismatch(Check.NONCE, "nonce (RFC 3161 section 2.4.2)", sent,
                    echoed == null ? "none" : echoed);
        }
        return token;
    }
}
