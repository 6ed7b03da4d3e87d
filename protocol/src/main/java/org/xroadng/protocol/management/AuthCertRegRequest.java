package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The payload of an {@code authCertReg} management request (DESIGN.md section 5): a security
 * server asks the registry to register its authentication certificate.
 *
 * <p>Wire form: this payload as JSON is signed as a JWS by the new auth key ({@code x5c} = the
 * auth certificate, {@code ocsp} = its OCSP response, proof of possession); that compact JWS is
 * the payload of a second JWS signed by the owner member's signing key ({@code x5c} = signing
 * certificate chain, {@code ocsp} = its OCSP response).
 *
 * @param address         where the server proxy is reached, {@code host:port}
 * @param authCertificate the auth certificate, base64 DER; must be the inner JWS's signer
 * @param requestedAt     when the server made the request
 */
public record AuthCertRegRequest(String type, SecurityServerId server, String address, String authCertificate,
                                 Instant requestedAt) {

    public static final String TYPE = "authCertReg";

    public AuthCertRegRequest {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + TYPE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(authCertificate, "authCertificate");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    public AuthCertRegRequest(SecurityServerId server, String address, String authCertificate, Instant requestedAt) {
        this(TYPE, server, address, authCertificate, requestedAt);
    }
}
