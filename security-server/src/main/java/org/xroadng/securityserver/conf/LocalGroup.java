package org.xroadng.securityserver.conf;

import java.util.Set;
import org.xroadng.protocol.id.SubsystemId;

/** A group of subsystems defined on this server, usable as the subject of access rights. */
public record LocalGroup(String code, String description, Set<SubsystemId> members) {

    public LocalGroup {
        members = Set.copyOf(members);
    }
}
