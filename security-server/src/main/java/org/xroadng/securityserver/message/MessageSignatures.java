package org.xroadng.securityserver.message;

import java.util.Locale;

/**
 * How a server signs its messages ({@code messageSignatures} in server.yaml). Either way it
 * accepts both forms from its peers ({@link BatchMessageVerifier}).
 */
public enum MessageSignatures {
    /** Each message signed alone: a compact JWS ({@link SingleMessageSigner}). */
    SINGLE,
    /** Messages waiting together share one signature over a Merkle root ({@link BatchMessageSigner}); one waiting alone is signed as {@link #SINGLE}. */
    BATCH;

    /** The summaries that share one signature at most. */
    public static final int MAX_BATCH = 256;

    /** {@code single} or {@code batch}, as written in server.yaml. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #text()}; anything else is refused. */
    public static MessageSignatures parse(String text) {
        for (MessageSignatures m : values()) {
            if (m.text().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + text + "'; expected single or batch");
    }
}
