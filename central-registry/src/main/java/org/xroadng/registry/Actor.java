package org.xroadng.registry;

import java.util.Objects;

/** Who asked for a change, as the admin audit trail records it. */
public record Actor(String name) {

    public static final Actor ANONYMOUS = new Actor("anonymous");
    public static final Actor SYSTEM = new Actor("system");
    public static final Actor MANAGEMENT_REQUEST = new Actor("management-request");
    public static final Actor AUTO_APPROVAL = new Actor("auto-approval");

    public Actor {
        Objects.requireNonNull(name, "name");
    }
}
