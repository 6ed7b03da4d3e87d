package org.xroadng.registry.management;

import java.util.Map;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * Who owns each security server as the registry records it, for deciding whose signing key may
 * sign a server's requests about itself. A server's owner is the member its identifier names until
 * an approved {@code ownerChange} makes it another member (docs/registry.md, "Owner change"); an
 * unregistered server (a first {@code authCertReg}) is owned by the member its identifier names.
 * Immutable.
 */
public final class ServerOwners {

    /** Every server owned by the member its identifier names. */
    public static final ServerOwners AS_IDENTIFIED = new ServerOwners(Map.of());

    private final Map<SecurityServerId, MemberId> changed;

    private ServerOwners(Map<SecurityServerId, MemberId> changed) {
        this.changed = Map.copyOf(changed);
    }

    /** The servers whose owner is not the member their identifier names, with their owners. */
    public static ServerOwners changed(Map<SecurityServerId, MemberId> changed) {
        return new ServerOwners(changed);
    }

    /** The member that owns {@code server} now. */
    public MemberId ownerOf(SecurityServerId server) {
        return changed.getOrDefault(server, server.owner());
    }
}
