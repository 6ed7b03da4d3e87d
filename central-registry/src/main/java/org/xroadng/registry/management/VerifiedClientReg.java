package org.xroadng.registry.management;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.management.ClientRegRequest;

/**
 * A verified {@code clientReg}: signed by a signing certificate valid for the member of
 * {@code request.client()}.
 */
public record VerifiedClientReg(ClientRegRequest request, X509Certificate signingCertificate)
        implements VerifiedManagementRequest {

    public VerifiedClientReg {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
    }

    @Override
    public String type() {
        return ClientRegRequest.TYPE;
    }

    @Override
    public SecurityServerId server() {
        return request.server();
    }

    /** The member of the client subsystem, whose signing certificate signed the request. */
    @Override
    public MemberId signer() {
        return request.client().member();
    }

    @Override
    public Instant requestedAt() {
        return request.requestedAt();
    }
}
