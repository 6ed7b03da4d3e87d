package org.xroadng.protocol.accesslog;

/** Names fixed by the access-transparency protocol (DESIGN.md sections 5 and 7). */
public final class AccessLogProtocol {

    /** The reserved service code every provider subsystem answers: its server's access log for a subject. */
    public static final String SERVICE_CODE = "accessLog";

    /** The query parameter naming the data subject in an {@link #SERVICE_CODE} request. */
    public static final String SUBJECT_PARAM = "subject";

    /**
     * The most events one {@link #SERVICE_CODE} answer holds: a subject's newest. A reader given
     * fewer knows it has all of them; given this many, older ones may exist.
     */
    public static final int MAX_EVENTS = 1000;

    /** The global group whose members (subsystems) may call {@link #SERVICE_CODE}. */
    public static final String CITIZEN_PORTALS_GROUP = "citizen-portals";

    /** The witness's path at the registry: POST a submission, GET {@code /{serverId}} the latest. */
    public static final String WITNESS_PATH = "/witness/checkpoints";

    private AccessLogProtocol() {
    }
}
