package org.xroadng.auditlog.access;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;

/**
 * One access to personal data as one security server saw it (DESIGN.md section 7): an exchange
 * that named at least one data subject.
 *
 * <p>Its entry in the access log is {@link #entry}: an object with the fourteen members
 * {@code eventId, time, side, client, service, method, path, userId, issue, purpose, subjects,
 * queryId, requestHash, outcome} and the log's link {@code previous}, in RFC 8785 form. Every
 * member is always present; an absent optional value ({@code userId}, {@code issue},
 * {@code purpose}, {@code requestHash}) is written as JSON {@code null}, never omitted, so every
 * event has the same shape. {@code time} is the RFC 3339 UTC text of {@link Instant#toString()};
 * {@code client} and {@code service} are the identifiers' {@code format()} text.
 *
 * @param eventId     unique id of this event (a random UUID)
 * @param side        {@code consumer} or {@code provider}
 * @param subjects    the data subjects named, at least one, no duplicates
 * @param requestHash base64url (no padding) SHA-256 of the UTF-8 compact JWS that signed the
 *                    request, as {@code MessageHashes.sha256} computes it; null if unsigned
 * <p>A restricted event ({@code seal} not null, DESIGN.md section 7) is logged as a stub instead:
 * see {@link #entry}. Its whole content ({@link #content()}) is kept apart until its disclosure.
 *
 * @param outcome     {@code ok} or {@code error <status>}
 * @param seal        the restriction and the secret salt of a restricted event; null for an
 *                    ordinary one
 */
public record AccessEvent(String eventId, Instant time, String side, ClientId client, ServiceId service,
                          String method, String path, String userId, String issue, String purpose,
                          List<String> subjects, String queryId, String requestHash, String outcome, Seal seal) {

    /** An ordinary (unrestricted) event. */
    public AccessEvent(String eventId, Instant time, String side, ClientId client, ServiceId service,
                       String method, String path, String userId, String issue, String purpose,
                       List<String> subjects, String queryId, String requestHash, String outcome) {
        this(eventId, time, side, client, service, method, path, userId, issue, purpose, subjects, queryId,
                requestHash, outcome, null);
    }

    /**
     * What makes an event restricted: its {@link Restriction} and the
     * {@value RestrictedAccess#SALT_BYTES}-byte salt of its commitment, a secret until disclosure
     * ({@link #toString()} does not show it).
     */
    public record Seal(Restriction restriction, byte[] salt) {
        public Seal {
            Objects.requireNonNull(restriction, "restriction");
            if (salt == null || salt.length != RestrictedAccess.SALT_BYTES) {
                throw new IllegalArgumentException("a seal's salt is " + RestrictedAccess.SALT_BYTES + " bytes");
            }
            salt = salt.clone();
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Seal seal && restriction.equals(seal.restriction)
                    && java.security.MessageDigest.isEqual(salt, seal.salt);
        }

        @Override
        public int hashCode() {
            return restriction.hashCode();
        }

        @Override
        public String toString() {
            return "Seal[" + restriction + ", salt=****]";
        }
    }

    /** The sides an event can be seen from: the two ends of an exchange, and an oversight reading. */
    public static final java.util.Set<String> SIDES = java.util.Set.of("consumer", "provider", "oversight");

    /** The entry's member linking each subject to its previous event in the log (see {@link #entry}). */
    public static final String PREVIOUS = "previous";

    public AccessEvent {
        requireText(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        if (!SIDES.contains(side)) {
            throw new IllegalArgumentException("side is " + side + "; allowed: consumer, provider, oversight");
        }
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(service, "service");
        requireText(method, "method");
        Objects.requireNonNull(path, "path");
        requireText(queryId, "queryId");
        requireText(outcome, "outcome");
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("an access event names at least one subject");
        }
        if (subjects.stream().distinct().count() != subjects.size()) {
            throw new IllegalArgumentException("subjects " + subjects + " repeat a subject");
        }
        for (String subject : subjects) {
            requireText(subject, "subject");
        }
    }

    /** The outcome text for an HTTP status: {@code ok} below 400, else {@code error <status>}. */
    public static String outcomeOf(int status) {
        return status < 400 ? "ok" : "error " + status;
    }

    /** Whether this event is restricted (logged as a stub until its disclosure). */
    public boolean restricted() {
        return seal != null;
    }

    /**
     * This event as a JSON object model (every member present, absent values null); a restricted
     * event has one more member, {@code restriction} ({@link Restriction#toJson()}).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", eventId);
        json.put("time", time.toString());
        json.put("side", side);
        json.put("client", client.format());
        json.put("service", service.format());
        json.put("method", method);
        json.put("path", path);
        json.put("userId", userId);
        json.put("issue", issue);
        json.put("purpose", purpose);
        json.put("subjects", subjects);
        json.put("queryId", queryId);
        json.put("requestHash", requestHash);
        json.put("outcome", outcome);
        if (seal != null) {
            json.put(Restriction.MEMBER, seal.restriction().toJson());
        }
        return json;
    }

    /**
     * A restricted event's whole content, committed to by its stub and revealed on its disclosure
     * date: the RFC 8785 canonical JSON of {@link #toJson()}.
     */
    public byte[] content() {
        requireSealed();
        return CanonicalJson.bytes(toJson());
    }

    /** A restricted event's commitment ({@link RestrictedAccess#commitment}). */
    public String commitment() {
        requireSealed();
        return RestrictedAccess.commitment(seal.salt(), content());
    }

    private void requireSealed() {
        if (seal == null) {
            throw new IllegalStateException("event " + eventId + " is not restricted");
        }
    }

    /**
     * The access log entry: the RFC 8785 canonical JSON (UTF-8) of {@link #toJson()} with one more
     * member, {@code previous}: for each subject that an earlier event in the same log names, the
     * index of the latest such event ({@code {"EE38001010001": 41}}; a subject named for the first
     * time is not in it). So a subject's events form a chain inside the signed tree, and a reader
     * given some of them sees whether any between them was left out.
     *
     * <p>A restricted event's entry is its stub: only {@code eventId, time, side, subjects},
     * {@code previous}, and {@code restricted}: {@code {"authority", "legalBasis", "disclose",
     * "commitment"}} ({@link RestrictedAccess}). The subject's chain runs through the stub as
     * through any entry, so leaving it out of an answer shows.
     */
    public byte[] entry(Map<String, Long> previous) {
        for (Map.Entry<String, Long> link : previous.entrySet()) {
            if (!subjects.contains(link.getKey()) || link.getValue() < 0) {
                throw new IllegalArgumentException("previous " + link + " is not a subject of this event with an index");
            }
        }
        if (seal != null) {
            Map<String, Object> restricted = seal.restriction().toJson();
            restricted.put("commitment", commitment());
            Map<String, Object> stub = new LinkedHashMap<>();
            stub.put("eventId", eventId);
            stub.put("time", time.toString());
            stub.put("side", side);
            stub.put("subjects", subjects);
            stub.put(PREVIOUS, previous);
            stub.put(RestrictedAccess.STUB_MEMBER, restricted);
            return CanonicalJson.bytes(stub);
        }
        // The members in RFC 8785 order (their names sorted), written in one pass: what
        // CanonicalJson.bytes gives for toJson() plus previous, without building a map first.
        StringBuilder out = new StringBuilder(512);
        member(out, '{', "client", client.format());
        member(out, ',', "eventId", eventId);
        member(out, ',', "issue", issue);
        member(out, ',', "method", method);
        member(out, ',', "outcome", outcome);
        member(out, ',', "path", path);
        member(out, ',', PREVIOUS, previous.size() > 1 ? new TreeMap<>(previous) : previous);
        member(out, ',', "purpose", purpose);
        member(out, ',', "queryId", queryId);
        member(out, ',', "requestHash", requestHash);
        member(out, ',', "service", service.format());
        member(out, ',', "side", side);
        member(out, ',', "subjects", subjects);
        member(out, ',', "time", time.toString());
        member(out, ',', "userId", userId);
        out.append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void member(StringBuilder out, char before, String name, Object value) {
        out.append(before).append('"').append(name).append("\":");
        CanonicalJson.write(value, out);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is " + (value == null ? "missing" : "empty"));
        }
    }
}
