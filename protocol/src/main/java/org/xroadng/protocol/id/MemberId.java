package org.xroadng.protocol.id;

import java.util.List;

/** A member: {@code INSTANCE/CLASS/MEMBER}. */
public record MemberId(String instance, String memberClass, String memberCode) implements XRoadId {

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

    @Override
    public String format() {
        return instance + "/" + memberClass + "/" + memberCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
