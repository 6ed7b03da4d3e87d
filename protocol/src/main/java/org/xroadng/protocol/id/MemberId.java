package org.xroadng.protocol.id;

import java.util.List;

/** A member: {@code INSTANCE/CLASS/MEMBER}; as a client, the member itself calls (no subsystem). */
public record MemberId(String instance, String memberClass, String memberCode) implements ClientId {

    static final String FORM = "INSTANCE/CLASS/MEMBER";

    public MemberId {
        IdentifierParts.require("instance", instance);
        IdentifierParts.require("member class", memberClass);
        IdentifierParts.require("member code", memberCode);
    }

    public static MemberId parse(String text) {
        List<String> p = IdentifierParts.split("member", FORM, text, 3);
        return new MemberId(p.get(0), p.get(1), p.get(2));
    }

    public SubsystemId subsystem(String subsystemCode) {
        return new SubsystemId(this, subsystemCode);
    }

    public SecurityServerId server(String serverCode) {
        return new SecurityServerId(this, serverCode);
    }

    /** Itself: a member-level client is its own member. */
    @Override
    public MemberId member() {
        return this;
    }

    @Override
    public String format() {
        return instance + "/" + memberClass + "/" + memberCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
