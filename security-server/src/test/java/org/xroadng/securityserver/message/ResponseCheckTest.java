package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.securityserver.ExchangeException;

class ResponseCheckTest {

    private static final MemberId PROVIDER = MemberId.parse("DEMO/GOV/1001");
    private static final String REQUEST_JWS = "eyJhbGciOiJFUzI1NiJ9.e30.sig";
    private static final byte[] BODY = "{}".getBytes();
    private static final List<Map.Entry<String, String>> HEADERS = List.of(Map.entry("Content-Type", "application/json"));

    private static MessageVerifier.Verified<ResponseDigest> signed(MemberId signer, String requestHash, String id,
                                                                   int status, byte[] body) {
        return new MessageVerifier.Verified<>(signer, ResponseDigest.builder().id(id).status(status)
                .headersSha256(MessageHashes.headers(HEADERS)).bodySha256(MessageHashes.sha256(body))
                .requestHash(requestHash).build(), null);
    }

    @Test
    void answerBoundToThisRequest_passes() throws ExchangeException {
        ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1", signed(PROVIDER, MessageHashes.sha256(REQUEST_JWS), "q1", 200, BODY),
                200, HEADERS, BODY);
    }

    @Test
    void answerSignedForAnotherRequest_isRequestHashMismatch() {
        ExchangeException e = assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1",
                signed(PROVIDER, MessageHashes.sha256("another request"), "q1", 200, BODY), 200, HEADERS, BODY));
        assertEquals(ErrorType.CLIENT_PROXY_REQUEST_HASH_MISMATCH, e.type());
    }

    @Test
    void answerSignedByAnotherMember_isInvalidSignature() {
        ExchangeException e = assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1",
                signed(MemberId.parse("DEMO/GOV/666"), MessageHashes.sha256(REQUEST_JWS), "q1", 200, BODY), 200, HEADERS,
                BODY));
        assertEquals(ErrorType.CLIENT_PROXY_INVALID_SIGNATURE, e.type());
    }

    @Test
    void alteredBodyStatusOrHeaders_areInvalidSignature() {
        var genuine = signed(PROVIDER, MessageHashes.sha256(REQUEST_JWS), "q1", 200, BODY);
        assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1", genuine, 200, HEADERS,
                "{\"x\":1}".getBytes()));
        assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1", genuine, 404, HEADERS, BODY));
        assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q1", genuine, 200,
                List.of(Map.entry("Content-Type", "text/html")), BODY));
        assertThrows(ExchangeException.class, () -> ResponseCheck.check(PROVIDER, REQUEST_JWS, "q2", genuine, 200, HEADERS, BODY));
    }
}
