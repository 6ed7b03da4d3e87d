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

    /** Why {@code code} cannot be a service code (1..255 of {@code A-Za-z0-9'()+,-.=?}), or empty when it can. */
    public static java.util.Optional<String> codeProblem(String code) {
        try {
            IdentifierParts.require("service code", code);
            return java.util.Optional.empty();
        } catch (InvalidIdentifierException e) {
            return java.util.Optional.of(e.getMessage());
        }
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
