package org.xroadng.auditlog.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.merkle.MerkleLog;

/**
 * An {@link AccessLog} over any {@link MerkleLog} with the subject index held in memory: for tests
 * and tools. The index covers only events appended through this instance.
 */
public final class MemoryAccessLog implements AccessLog {

    private final MerkleLog log;
    private final Map<String, List<Long>> bySubject = new HashMap<>();

    public MemoryAccessLog(MerkleLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public synchronized long appendAll(List<AccessEvent> events) {
        Map<String, Long> latest = new HashMap<>();
        for (String subject : SubjectLinks.subjectsOf(events)) {
            List<Long> indexes = bySubject.get(subject);
            if (indexes != null) {
                latest.put(subject, indexes.get(indexes.size() - 1));
            }
        }
        long first = log.appendAll(SubjectLinks.entries(events, log.size(), latest));
        for (int i = 0; i < events.size(); i++) {
            for (String subject : events.get(i).subjects()) {
                bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(first + i);
            }
        }
        return first;
    }

    @Override
    public synchronized List<StoredEvent> eventsOf(String subject, int limit) {
        List<Long> indexes = bySubject.getOrDefault(subject, List.of());
        List<StoredEvent> events = new ArrayList<>();
        for (Long index : indexes.subList(Math.max(0, indexes.size() - limit), indexes.size())) {
            events.add(new StoredEvent(index, log.entry(index)));
        }
        return events;
    }

    @Override
    public MerkleLog merkleLog() {
        return log;
    }
}
