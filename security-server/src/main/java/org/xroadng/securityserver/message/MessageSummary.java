package org.xroadng.securityserver.message;

/**
 * What a message signature covers (DESIGN.md section 6): the summary of a request or of a
 * response, signed as its JSON ({@link org.xroadng.protocol.json.ProtocolJson}).
 */
public sealed interface MessageSummary permits RequestDigest, ResponseDigest {

    /** The query id ({@code X-Road-Id}) of the exchange. */
    String id();
}
