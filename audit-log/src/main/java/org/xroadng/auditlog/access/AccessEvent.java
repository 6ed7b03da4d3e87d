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
 * @param outcome     {@code ok} or {@code error <status>}
 */
public record AccessEvent(String eventId, Instant time, String side, ClientId client, ServiceId service,
                          String method, String path, String userId, String issue, String purpose,
                          List<String> subjects, String queryId, String requestHash, String outcome) {

    /** The entry's member linking each subject to its previous event in the log (see {@link #entry}). */
    public static final String PREVIOUS = "previous";

    public AccessEvent {
        requireText(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        if (!"consumer".equals(side) && !"provider".equals(side)) {
            throw new IllegalArgumentException("side is " + side + "; allowed: consumer, provider");
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

    /** This event as a JSON object model (every member present, absent values null). */
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
        return json;
    }

    /**
     * The access log entry: the RFC 8785 canonical JSON (UTF-8) of {@link #toJson()} with one more
     * member, {@code previous}: for each subject that an earlier event in the same log names, the
     * index of the latest such event ({@code {"EE38001010001": 41}}; a subject named for the first
     * time is not in it). So a subject's events form a chain inside the signed tree, and a reader
     * given some of them sees whether any between them was left out.
     */
    public byte[] entry(Map<String, Long> previous) {
        for (Map.Entry<String, Long> link : previous.entrySet()) {
            if (!subjects.contains(link.getKey()) || link.getValue() < 0) {
                throw new IllegalArgumentException("previous " + link + " is not a subject of this event with an index");
            }
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
