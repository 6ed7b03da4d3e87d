package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The payload of {@code authCertDeletion}: the server withdraws one of its authentication
 * certificates (registered or still pending), typically the old one after a rotation. Peers stop
 * accepting it from the next global configuration on.
 *
 * @param authCertificate the certificate, base64 DER
 */
public record AuthCertDeletionRequest(String type, SecurityServerId server, String authCertificate,
                                      Instant requestedAt) implements OwnerRequest {

    public static final String TYPE = "authCertDeletion";

    public AuthCertDeletionRequest {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + TYPE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(authCertificate, "authCertificate");
        Objects.requireNonNull(requestedAt, "requestedAt");
        try {
            Base64.getDecoder().decode(authCertificate);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("authCertificate is not base64 (RFC 4648 section 4): " + e.getMessage());
        }
    }

    public AuthCertDeletionRequest(SecurityServerId server, String authCertificate, Instant requestedAt) {
        this(TYPE, server, authCertificate, requestedAt);
    }
}
