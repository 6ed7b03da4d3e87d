package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The payload of a {@code clientReg} management request (DESIGN.md section 5): a member asks the
 * registry to record that a security server hosts one of its subsystems. Signed as a JWS by the
 * client member's signing key ({@code x5c} = signing certificate chain, {@code ocsp} = its OCSP
 * response).
 */
public record ClientRegRequest(String type, SecurityServerId server, SubsystemId client, Instant requestedAt) {

    public static final String TYPE = "clientReg";

    public ClientRegRequest {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + TYPE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    public ClientRegRequest(SecurityServerId server, SubsystemId client, Instant requestedAt) {
        this(TYPE, server, client, requestedAt);
    }
}
