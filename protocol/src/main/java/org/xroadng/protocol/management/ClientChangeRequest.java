package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The payload of {@code clientDeletion}, {@code clientDisable} or {@code clientEnable}: the server
 * takes a registered client off, suspends it (peers refuse its messages from the next global
 * configuration on, and it stays registered) or resumes it.
 */
public record ClientChangeRequest(String type, SecurityServerId server, SubsystemId client, Instant requestedAt)
        implements OwnerRequest {

    public static final String DELETION = "clientDeletion";
    public static final String DISABLE = "clientDisable";
    public static final String ENABLE = "clientEnable";

    /** The wire types of this payload. */
    public static final Set<String> TYPES = Set.of(DELETION, DISABLE, ENABLE);

    public ClientChangeRequest {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + DELETION + ", " + DISABLE
                    + " or " + ENABLE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
