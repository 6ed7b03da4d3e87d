package org.xroadng.registry.management;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.management.OwnerChangeRequest;

/**
 * A verified {@code ownerChange}: signed by a signing certificate valid for
 * {@code request.newOwner()}, the member that is to own the server (PR-MSERV section 2.5).
 */
public record VerifiedOwnerChange(OwnerChangeRequest request, X509Certificate signingCertificate)
        implements VerifiedManagementRequest {

    public VerifiedOwnerChange {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
    }

    @Override
    public String type() {
        return OwnerChangeRequest.TYPE;
    }

    @Override
    public SecurityServerId server() {
        return request.server();
    }

    /** The new owner, whose signing certificate signed the request. */
    @Override
    public MemberId signer() {
        return request.newOwner();
    }

    @Override
    public Instant requestedAt() {
        return request.requestedAt();
    }
}
