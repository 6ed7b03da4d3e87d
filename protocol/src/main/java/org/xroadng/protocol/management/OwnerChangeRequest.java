package org.xroadng.protocol.management;

import java.time.Instant;
import java.util.Objects;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * The payload of {@code ownerChange} (X-Road PR-MSERV section 2.5): the server asks that
 * {@code newOwner}, a member one of whose subsystems is already a registered client of the server,
 * become its owner. Unlike the {@link OwnerRequest}s it is signed by the <em>new</em> owner's
 * signing key ({@code x5c} = that member's signing certificate chain, {@code ocsp} = its OCSP
 * response): the member taking the server over consents to it. An operator approves it; from the
 * next global configuration on the server's owner, the member whose key must sign its requests
 * about itself, is {@code newOwner}. The server's identifier does not change (docs/registry.md,
 * "Owner change").
 */
public record OwnerChangeRequest(String type, SecurityServerId server, MemberId newOwner, Instant requestedAt) {

    public static final String TYPE = "ownerChange";

    public OwnerChangeRequest {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "'; expected " + TYPE);
        }
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(newOwner, "newOwner");
        Objects.requireNonNull(requestedAt, "requestedAt");
        if (!newOwner.instance().equals(server.instance())) {
            throw new IllegalArgumentException("new owner " + newOwner.format() + " is of instance "
                    + newOwner.instance() + "; server " + server.format() + " is of instance " + server.instance());
        }
    }

    public OwnerChangeRequest(SecurityServerId server, MemberId newOwner, Instant requestedAt) {
        this(TYPE, server, newOwner, requestedAt);
    }
}
