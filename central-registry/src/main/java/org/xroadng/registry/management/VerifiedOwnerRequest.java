package org.xroadng.registry.management;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.management.OwnerRequest;

/**
 * A verified request a server's owner made about its server ({@code clientDeletion},
 * {@code clientDisable}, {@code clientEnable}, {@code authCertDeletion}, {@code addressChange}):
 * signed by a signing certificate valid for {@code owner}, the server's owner as the registry
 * recorded it when the request was verified ({@link ServerOwners}).
 */
public record VerifiedOwnerRequest(OwnerRequest request, MemberId owner, X509Certificate signingCertificate)
        implements VerifiedManagementRequest {

    public VerifiedOwnerRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
    }

    @Override
    public String type() {
        return request.type();
    }

    @Override
    public SecurityServerId server() {
        return request.server();
    }

    @Override
    public MemberId signer() {
        return owner;
    }

    @Override
    public Instant requestedAt() {
        return request.requestedAt();
    }
}
