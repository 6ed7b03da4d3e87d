package org.xroadng.auditlog.portal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.witness.CosignaturePolicy;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * One side's record of an exchange, as one security server's access log holds it, after the portal
 * checked it: {@code verified} is true only when the event is in that server's log under a
 * checkpoint the registry's witness holds (see {@link AnswerVerifier}); otherwise {@code reason}
 * says why not.
 *
 * @param server   the server whose log holds the record
 * @param side     {@code consumer}, {@code provider} or {@code oversight} (an inspector's reading)
 * @param restricted for a restricted access, its restriction and how far it is disclosed; null otherwise
 * @param vouching which of the witnesses the portal trusts cosigned the checkpoint the record was
 *                 checked against and which did not, when a quorum is required and the checkpoint
 *                 note could be checked that far; null otherwise
 */
public record SideRecord(SecurityServerId server, String side, String eventId, Instant time, String client,
                         String service, String method, String path, String userId, String issue, String purpose,
                         String queryId, String requestHash, String outcome, boolean verified, String reason,
                         CosignaturePolicy.Verdict vouching, Restricted restricted) {

    public SideRecord(SecurityServerId server, String side, String eventId, Instant time, String client,
                      String service, String method, String path, String userId, String issue, String purpose,
                      String queryId, String requestHash, String outcome, boolean verified, String reason,
                      CosignaturePolicy.Verdict vouching) {
        this(server, side, eventId, time, client, service, method, path, userId, issue, purpose, queryId, requestHash,
                outcome, verified, reason, vouching, null);
    }

    /**
     * What the portal found of a restricted access (DESIGN.md section 7): the restriction and
     * commitment its stub states, and how far it is disclosed.
     *
     * @param loggedAt when the stub was logged (its {@code time})
     */
    public record Restricted(Restriction restriction, String commitment, Status status, Instant loggedAt) {
        public Restricted {
            Objects.requireNonNull(restriction, "restriction");
            Objects.requireNonNull(commitment, "commitment");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(loggedAt, "loggedAt");
        }
    }

    /** How far a restricted access is disclosed, as the portal found it. */
    public enum Status {
        /** Before its disclosure date: only the stub is shown. */
        SEALED,
        /** Its date has come, within {@link AnswerVerifier#DISCLOSURE_GRACE}; the server has not revealed it yet. */
        DUE,
        /** Revealed, and the revealed event opens the commitment logged long before. */
        DISCLOSED,
        /** Revealed, but the revealed event does not open the commitment: flagged. */
        MISMATCH,
        /** Not revealed although its date passed more than {@link AnswerVerifier#DISCLOSURE_GRACE} ago: flagged. */
        OVERDUE;

        /** Whether the portal flags it: the server did not keep its promise. */
        public boolean flagged() {
            return this == MISMATCH || this == OVERDUE;
        }
    }

    /** The members both sides must agree on (DESIGN.md section 7: "whether both sides' records agree"). */
    public static final List<String> COMPARED = List.of("client", "service", "method", "path", "userId", "issue",
            "purpose", "requestHash", "outcome");

    public SideRecord {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(side, "side");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(queryId, "queryId");
        if (verified != (reason == null)) {
            throw new IllegalArgumentException("a verified record has no reason; an unverified one has one");
        }
        if (verified && vouching != null && !vouching.met()) {
            throw new IllegalArgumentException("a record under a checkpoint without the quorum of cosignatures is"
                    + " not verified");
        }
    }

    /** The value of one of the {@link #COMPARED} members. */
    public String compared(String member) {
        return switch (member) {
            case "client" -> client;
            case "service" -> service;
            case "method" -> method;
            case "path" -> path;
            case "userId" -> userId;
            case "issue" -> issue;
            case "purpose" -> purpose;
            case "requestHash" -> requestHash;
            case "outcome" -> outcome;
            default -> throw new IllegalArgumentException("not a compared member: " + member);
        };
    }

    /**
     * Reads an access event object (the fields of {@code AccessEvent.toJson()}); refuses one whose
     * required members are missing or not text.
     */
    static SideRecord read(SecurityServerId server, Map<String, Object> event, boolean verified, String reason,
                           CosignaturePolicy.Verdict vouching) {
        Instant time;
        try {
            time = Instant.parse(required(event, "time"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("member 'time' is not an RFC 3339 time");
        }
        String side = required(event, "side");
        if (!AccessEvent.SIDES.contains(side)) {
            throw new IllegalArgumentException("member 'side' is '" + side + "'; expected one of "
                    + AccessEvent.SIDES.stream().sorted().toList());
        }
        return new SideRecord(server, side, required(event, "eventId"), time, required(event, "client"),
                required(event, "service"), required(event, "method"), optional(event, "path"),
                optional(event, "userId"), optional(event, "issue"), optional(event, "purpose"),
                required(event, "queryId"), optional(event, "requestHash"), required(event, "outcome"),
                verified, reason, vouching);
    }

    /** This record with what the portal found of its restriction. */
    SideRecord withRestricted(Restricted found) {
        return new SideRecord(server, side, eventId, time, client, service, method, path, userId, issue, purpose,
                queryId, requestHash, outcome, verified, reason, vouching, found);
    }

    /**
     * A restricted access's stub as a record: only its event id, time and side are known; the
     * rest is withheld until it is disclosed ({@code queryId} is {@code restricted:<eventId>}).
     */
    static SideRecord stub(SecurityServerId server, Map<String, Object> stub, RestrictedAccess.Stub stated,
                           Status status, boolean verified, String reason, CosignaturePolicy.Verdict vouching) {
        Instant time;
        try {
            time = Instant.parse(required(stub, "time"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("member 'time' is not an RFC 3339 time");
        }
        String side = required(stub, "side");
        String eventId = required(stub, "eventId");
        return new SideRecord(server, side, eventId, time, null, null, null, null, null, null, null,
                "restricted:" + eventId, null, "restricted", verified, reason, vouching,
                new Restricted(stated.restriction(), stated.commitment(), status, time));
    }

    private static String required(Map<String, Object> event, String member) {
        String value = optional(event, member);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("member '" + member + "' is missing");
        }
        return value;
    }

    private static String optional(Map<String, Object> event, String member) {
        Object value = event.get(member);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("member '" + member + "' is not text");
        }
        return (String) value;
    }
}
