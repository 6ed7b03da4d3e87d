package org.xroadng.protocol.id;

import java.util.List;

/**
 * Who calls a service (X-Road Message Protocol for REST, section 4.1): a subsystem
 * ({@code INSTANCE/CLASS/MEMBER/SUBSYSTEM}, the usual case) or a member itself
 * ({@code INSTANCE/CLASS/MEMBER}): the subsystem code is optional.
 */
public sealed interface ClientId extends XRoadId permits MemberId, SubsystemId {

    String FORM = "INSTANCE/CLASS/MEMBER[/SUBSYSTEM]";

    /** The member this client is or belongs to; its key signs the client's messages. */
    MemberId member();

    /** A member (three parts) or a subsystem (four parts); anything else is refused. */
    static ClientId parse(String text) {
        if (text == null) {
            throw new InvalidIdentifierException("client identifier is missing; expected " + FORM);
        }
        return of(List.of(text.split("/", -1)), text);
    }

    /**
     * A client from its parts, already split (and, where the protocol allows it, percent-decoded):
     * three make a member, four a subsystem. {@code text} is the original, for the error message.
     */
    static ClientId of(List<String> parts, String text) {
        if (parts.size() == 3) {
            return new MemberId(parts.get(0), parts.get(1), parts.get(2));
        }
        if (parts.size() == 4) {
            return new SubsystemId(new MemberId(parts.get(0), parts.get(1), parts.get(2)), parts.get(3));
        }
        throw new InvalidIdentifierException("client identifier '" + IdentifierParts.printable(text) + "' has "
                + parts.size() + " part" + (parts.size() == 1 ? "" : "s") + "; expected " + FORM);
    }
}
