package org.xroadng.protocol.id;

/**
 * An X-Road identifier (DESIGN.md section 3). Every implementation is an immutable record whose
 * parts were validated when it was created; {@link #format()} gives the canonical slash-separated
 * form that the type's {@code parse} accepts.
 */
public sealed interface XRoadId permits ClientId, ServiceId, SecurityServerId, GlobalGroupId {

    /** The X-Road instance the identifier belongs to. */
    String instance();

    /** The canonical form, for example {@code DEMO/GOV/1001/population}. */
    String format();
}
