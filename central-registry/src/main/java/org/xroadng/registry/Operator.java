package org.xroadng.registry;

import java.util.Objects;
import org.xroadng.registry.ApiKeys.Role;

/**
 * Who asks the registry for an action, through the operator API (an API key) or the console (a
 * console user or an API key), with the one role that decides what it may do. {@link #actor()} is
 * how the admin audit trail names it.
 */
public record Operator(String name, Role role, Actor actor) {

    public Operator {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(actor, "actor");
    }

    /** The holder of an API key. */
    public static Operator of(ApiKeys.Caller caller) {
        return new Operator("#" + caller.keyId(), caller.role(), caller.actor());
    }

    /** A console user. */
    public static Operator user(String name, Role role) {
        return new Operator(name, role, new Actor("user:" + name + " (" + role.code() + ")"));
    }

    public boolean may(Permission permission) {
        return permission.grantedTo(role);
    }

    /**
     * Checks, before anything runs, that this operator may do {@code action}; a refusal is written to
     * the admin audit trail (who, what, on what, why) and thrown as a {@code FORBIDDEN}
     * {@link RegistryException}.
     */
    public void require(Changes changes, Permission permission, String action, String target)
            throws RegistryException {
        if (!may(permission)) {
            String reason = "role " + role.code() + " may not do this; it needs " + permission.needs();
            changes.refused(actor, action, target, reason);
            throw new RegistryException(RegistryException.Kind.FORBIDDEN, reason);
        }
    }
}
