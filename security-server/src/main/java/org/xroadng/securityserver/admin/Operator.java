package org.xroadng.securityserver.admin;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who asks for an action: a console user, an admin API key or the server itself, with the roles
 * that decide what it may do. {@link #auditName()} is how the audit trail names it.
 */
public record Operator(Kind kind, String name, Set<Role> roles) {

    public enum Kind { USER, API_KEY, SYSTEM }

    /** The server acting on its own behalf (start-up, the watcher, the CLI's offline commands). */
    public static final Operator SYSTEM = new Operator(Kind.SYSTEM, "system", EnumSet.allOf(Role.class));

    public Operator {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an operator needs a name");
        }
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public static Operator user(String name, Set<Role> roles) {
        return new Operator(Kind.USER, name, roles);
    }

    public static Operator apiKey(long id, String label, Set<Role> roles) {
        return new Operator(Kind.API_KEY, "#" + id + " " + label, roles);
    }

    public boolean may(Permission permission) {
        return permission.grantedBy(roles);
    }

    /** {@code user:alice}, {@code api-key:#1 initial admin key} or {@code system}. */
    public String auditName() {
        return switch (kind) {
            case USER -> "user:" + name;
            case API_KEY -> "api-key:" + name;
            case SYSTEM -> "system";
        };
    }
}
