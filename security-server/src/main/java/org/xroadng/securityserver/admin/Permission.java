package org.xroadng.securityserver.admin;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an operator may do, and which {@link Role}s grant it (X-Road's division of duties: the
 * security officer holds the keys, the registration officer deals with the registry, the service
 * administrator with services and access rights, the system administrator with the server itself;
 * an observer only reads; an inspector reads restricted accesses, and nobody else may).
 */
public enum Permission {
    VIEW(EnumSet.allOf(Role.class)),
    MANAGE_KEYS(EnumSet.of(Role.SECURITY_OFFICER)),
    REGISTER(EnumSet.of(Role.REGISTRATION_OFFICER)),
    MANAGE_CLIENTS(EnumSet.of(Role.REGISTRATION_OFFICER)),
    MANAGE_SERVICES(EnumSet.of(Role.SERVICE_ADMINISTRATOR)),
    MANAGE_USERS(EnumSet.of(Role.SYSTEM_ADMINISTRATOR)),
    EXPORT_EVIDENCE(EnumSet.of(Role.SECURITY_OFFICER, Role.SYSTEM_ADMINISTRATOR)),
    /** Reading restricted accesses before their disclosure, each reading logged: the inspector alone. */
    READ_RESTRICTED(EnumSet.of(Role.INSPECTOR));

    private final Set<Role> grantedTo;

    Permission(Set<Role> grantedTo) {
        this.grantedTo = grantedTo;
    }

    /** Whether holding {@code roles} grants this permission. */
    public boolean grantedBy(Set<Role> roles) {
        for (Role role : roles) {
            if (grantedTo.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** The roles that grant it. */
    public Set<Role> roles() {
        return EnumSet.copyOf(grantedTo);
    }
}
