package org.xroadng.protocol.id;

import java.util.List;

/** A global group defined in the central registry: {@code INSTANCE/GROUPCODE}. */
public record GlobalGroupId(String instance, String groupCode) implements XRoadId {

    static final String FORM = "INSTANCE/GROUPCODE";

    public GlobalGroupId {
        IdentifierParts.require("instance", instance);
        IdentifierParts.require("group code", groupCode);
    }

    public static GlobalGroupId parse(String text) {
        List<String> p = IdentifierParts.split("global group", FORM, text, 2);
        return new GlobalGroupId(p.get(0), p.get(1));
    }

    @Override
    public String format() {
        return instance + "/" + groupCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
