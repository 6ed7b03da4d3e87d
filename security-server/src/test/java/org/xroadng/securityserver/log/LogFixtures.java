package org.xroadng.securityserver.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/** What the message log's tests build their logs and exchanges from. */
public final class LogFixtures {

    private LogFixtures() {
    }

    /** 32 bytes of {@code value}: a hash, a salt or a key that a test can tell apart. */
    public static byte[] filled(int value) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** A message log key of 32 bytes of {@code value}. */
    public static MessageLogKey key(int value) {
        return MessageLogKey.of(filled(value));
    }

    /**
     * JWS protected headers as long as the servers' (which carry the signer's certificate and an
     * OCSP response), one per signer, so that the journal writes each once per append and the
     * logs' tests read every entry that refers to one back ({@link JournalGroup}).
     */
    static final String CONSUMER_HEADER = "eyJhbGciOiJFUzI1NiIsIng1YyI6WyJjb25zdW1lciJdfQ" + "C".repeat(600);
    static final String PROVIDER_HEADER = "eyJhbGciOiJFUzI1NiIsIng1YyI6WyJwcm92aWRlciJdfQ" + "P".repeat(600);

    /** The request's signature of query {@code queryId}: the consumer's header and a payload naming it. */
    static String requestSignature(String queryId) {
        return CONSUMER_HEADER + ".request." + queryId;
    }

    /** The response's signature of query {@code queryId}. */
    static String responseSignature(String queryId) {
        return PROVIDER_HEADER + ".response." + queryId;
    }

    /**
     * The provider's side of the tax board reading the demo's person service at {@code path},
     * naming {@code subjects}, at {@code at}; its response body names the query.
     */
    static ExchangeRecord providerExchange(String queryId, String path, List<String> subjects, Instant at) {
        return providerExchange(queryId, path, subjects, at, CONSUMER_HEADER);
    }

    /** As {@link #providerExchange(String, String, List, Instant)}, the request signed under {@code requestHeader}. */
    static ExchangeRecord providerExchange(String queryId, String path, List<String> subjects, Instant at,
                                           String requestHeader) {
        return new ExchangeRecord("provider", queryId, "req-" + queryId, SubsystemId.parse("DEMO/GOV/1002/tax"),
                ServiceId.parse("DEMO/GOV/1001/population/person"), "GET", path, "officer-7", null,
                "tax-assessment", subjects, List.of(), requestHeader + ".request." + queryId, new byte[0],
                responseSignature(queryId), ("{\"name\":\"" + queryId + "\"}").getBytes(StandardCharsets.UTF_8), 200, at);
    }
}
