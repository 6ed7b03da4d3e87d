package org.xroadng.securityserver.message;

import java.util.List;
import java.util.Objects;

/**
 * The signed summary of a response: the payload of the provider's {@code X-Road-Signature}.
 * {@code requestHash} is the base64url SHA-256 of the request's compact JWS, binding this response
 * to exactly that request. {@code dataSubjects} are the persons the provider's IS named in
 * {@code X-Road-Data-Subject}: the provider's server strips that header, so the consumer's server
 * learns them only from here, signed, and records them in its own access event too (DESIGN.md
 * section 7: both sides record every exchange that names a subject). Absent means none.
 */
public record ResponseDigest(int v, String id, int status, String headersSha256, String bodySha256,
                             String requestHash, List<String> dataSubjects, long iat) {

    public ResponseDigest {
        dataSubjects = dataSubjects == null ? List.of() : List.copyOf(dataSubjects);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(headersSha256, "headersSha256");
        Objects.requireNonNull(bodySha256, "bodySha256");
        Objects.requireNonNull(requestHash, "requestHash");
    }
}
