package org.xroadng.registry;

import java.util.EnumSet;
import java.util.Set;
import org.xroadng.registry.ApiKeys.Role;

/**
 * What an operator may do, and which registry {@link Role} grants it: reading needs any role;
 * registering members, subsystems, servers, groups and deciding management requests needs
 * {@code registration-officer} or {@code admin}; trust anchors, settings, witnesses, API keys and
 * console users need {@code admin}. The operator API and the console both check it through
 * {@link Operator#require}, on the server, for every action.
 */
public enum Permission {
    READ(EnumSet.allOf(Role.class), "any role"),
    REGISTER(EnumSet.of(Role.ADMIN, Role.REGISTRATION_OFFICER), "registration-officer or admin"),
    ADMIN(EnumSet.of(Role.ADMIN), "admin");

    private final Set<Role> roles;
    private final String needs;

    Permission(Set<Role> roles, String needs) {
        this.roles = roles;
        this.needs = needs;
    }

    public boolean grantedTo(Role role) {
        return roles.contains(role);
    }

    /** The roles that grant it, in words, for refusals. */
    public String needs() {
        return needs;
    }
}
