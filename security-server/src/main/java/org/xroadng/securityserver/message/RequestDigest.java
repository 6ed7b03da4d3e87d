package org.xroadng.securityserver.message;

import java.util.List;
import java.util.Objects;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The signed summary of a request (DESIGN.md section 6): the payload of the consumer's
 * {@code X-Road-Signature}. Every field is recomputed by the provider's server from what it
 * received and must be equal; {@code headersSha256} and {@code bodySha256} are base64url SHA-256
 * digests ({@link MessageHashes}), {@code iat} is seconds since the epoch.
 *
 * @param query the raw query string, or empty
 */
public record RequestDigest(int v, String id, SubsystemId client, ServiceId service, String method, String path,
                            String query, String headersSha256, String bodySha256, String userId, String issue,
                            String purpose, List<String> subjects, long iat) {

    public static final int VERSION = 1;

    public RequestDigest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headersSha256, "headersSha256");
        Objects.requireNonNull(bodySha256, "bodySha256");
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
    }
}
