package org.xroadng.securityserver.message;

import java.util.Objects;

/**
 * The signed summary of a response: the payload of the provider's {@code X-Road-Signature}.
 * {@code requestHash} is the base64url SHA-256 of the request's compact JWS, binding this response
 * to exactly that request.
 */
public record ResponseDigest(int v, String id, int status, String headersSha256, String bodySha256,
                             String requestHash, long iat) {

    public ResponseDigest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(headersSha256, "headersSha256");
        Objects.requireNonNull(bodySha256, "bodySha256");
        Objects.requireNonNull(requestHash, "requestHash");
    }
}
