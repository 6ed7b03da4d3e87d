package org.xroadng.protocol.id;

import java.util.List;
import java.util.Objects;

/** A service offered by a subsystem: {@code INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE}. */
public record ServiceId(SubsystemId subsystem, String serviceCode) implements XRoadId {

    static final String FORM = "INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICECODE";

    public ServiceId {
        Objects.requireNonNull(subsystem, "subsystem");
        IdentifierParts.require("service code", serviceCode);
    }

    public static ServiceId parse(String text) {
        List<String> p = IdentifierParts.split("service", FORM, text, 5);
        return new ServiceId(new SubsystemId(new MemberId(p.get(0), p.get(1), p.get(2)), p.get(3)), p.get(4));
    }

    @Override
    public String instance() {
        return subsystem.instance();
    }

    @Override
    public String format() {
        return subsystem.format() + "/" + serviceCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
