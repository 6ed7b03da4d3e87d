package org.xroadng.protocol.id;

import java.util.List;
import java.util.Objects;

/** A security server, named by its owner and a server code: {@code INSTANCE/CLASS/MEMBER/SERVERCODE}. */
public record SecurityServerId(MemberId owner, String serverCode) implements XRoadId {

    static final String FORM = "INSTANCE/CLASS/MEMBER/SERVERCODE";

    public SecurityServerId {
        Objects.requireNonNull(owner, "owner");
        IdentifierParts.require("server code", serverCode);
    }

    public static SecurityServerId parse(String text) {
        List<String> p = IdentifierParts.split("security server", FORM, text, 4);
        return new SecurityServerId(new MemberId(p.get(0), p.get(1), p.get(2)), p.get(3));
    }

    @Override
    public String instance() {
        return owner.instance();
    }

    @Override
    public String format() {
        return owner.format() + "/" + serverCode;
    }

    @Override
    public String toString() {
        return format();
    }
}
