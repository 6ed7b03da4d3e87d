package org.xroadng.protocol.id;

import java.util.List;
import java.util.Objects;

/** A subsystem of a member, the usual client and provider: {@code INSTANCE/CLASS/MEMBER/SUBSYSTEM}. */
public record SubsystemId(MemberId member, String subsystemCode) implements ClientId {

    static final String FORM = "INSTANCE/CLASS/MEMBER/SUBSYSTEM";

    public SubsystemId {
        Objects.requireNonNull(member, "member");
        IdentifierParts.require("subsystem code", subsystemCode);
    }

    public static SubsystemId parse(String text) {
        List<String> p = IdentifierParts.split("subsystem", FORM, text, 4);
        return new SubsystemId(new MemberId(p.get(0), p.get(1), p.get(2)), p.get(3));
    }

    public ServiceId service(String serviceCode) {
        return new ServiceId(this, serviceCode);
    }

    @Override
    public String instance() {
        return member.instance();
    }

    @Override
    public String format() {
        return member.format() + "/" + subsystemCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
