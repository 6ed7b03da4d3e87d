package org.xroadng.securityserver.message;

import java.util.List;
import java.util.Map;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.ExchangeException;

/**
 * What the consumer's server checks of a provider's signed answer once the signature itself has
 * verified: it is signed by the service's member, bound to exactly this request (its
 * {@code requestHash} is the hash of the request signature we sent), and its query id, status,
 * headers and body are the ones signed.
 */
public final class ResponseCheck {

    private ResponseCheck() {
    }

    public static void check(MemberId serviceMember, String requestSignature, String queryId,
                             MessageVerifier.Verified<ResponseDigest> verified, int status,
                             List<Map.Entry<String, String>> endToEndHeaders, byte[] body) throws ExchangeException {
        ResponseDigest digest = verified.summary();
        if (!verified.signer().equals(serviceMember)) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, "the answer is signed by member "
                    + verified.signer().format() + " but the service belongs to " + serviceMember.format());
        }
        if (!digest.requestHash().equals(MessageHashes.sha256(requestSignature))) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_REQUEST_HASH_MISMATCH, "the answer is signed for"
                    + " another request: its requestHash " + digest.requestHash() + " is not the hash of this request, "
                    + MessageHashes.sha256(requestSignature));
        }
        String field = !digest.id().equals(queryId) ? "id"
                : digest.status() != status ? "status"
                : !digest.headersSha256().equals(MessageHashes.headers(endToEndHeaders)) ? "headers"
                : !digest.bodySha256().equals(MessageHashes.sha256(body)) ? "body" : null;
        if (field != null) {
            throw new ExchangeException(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, "the answer's " + field
                    + " differs from what the provider signed");
        }
    }
}
