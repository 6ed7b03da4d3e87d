package org.xroadng.auditlog.access;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes the entries of a batch of access events with their {@code previous} links (see
 * {@link AccessEvent#entry}): each subject's event points at the latest earlier event naming the
 * same subject, in the log or earlier in the batch. Shared by the {@link AccessLog}s so the links
 * are made the same way everywhere.
 */
public final class SubjectLinks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SubjectLinks() {
    }

    /**
     * The entry {@code entry} (an access event's canonical JSON) with its {@code previous} links
     * replaced by {@code previous}: for an event that moves to another index.
     *
     * @throws IllegalArgumentException when {@code entry} is not a JSON object
     */
    public static byte[] relinked(byte[] entry, Map<String, Long> previous) {
        Map<String, Object> event;
        try {
            event = JSON.readValue(entry, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("not an access event's JSON: " + e.getMessage(), e);
        }
        event.put(AccessEvent.PREVIOUS, new TreeMap<>(previous));
        return CanonicalJson.bytes(event);
    }

    /** Every subject the events name, each once, in the order first named. */
    public static Set<String> subjectsOf(List<AccessEvent> events) {
        Set<String> subjects = new LinkedHashSet<>();
        for (AccessEvent event : events) {
            subjects.addAll(event.subjects());
        }
        return subjects;
    }

    /**
     * The entries of {@code events} appended from index {@code firstIndex}, given the index of the
     * latest event in the log for each subject that has one ({@code latestInLog}, keyed by subject).
     */
    public static List<byte[]> entries(List<AccessEvent> events, long firstIndex, Map<String, Long> latestInLog) {
        Map<String, Long> latest = new HashMap<>(latestInLog);
        List<byte[]> entries = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            AccessEvent event = events.get(i);
            Map<String, Long> previous = new HashMap<>();
            for (String subject : event.subjects()) {
                Long before = latest.put(subject, firstIndex + i);
                if (before != null) {
                    previous.put(subject, before);
                }
            }
            entries.add(event.entry(previous));
        }
        return entries;
    }
}
