package org.xroadng.auditlog.portal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Merges side records into {@link ExchangeRow}s: records with the same {@code queryId} and
 * {@code client} are one exchange; the same event reported twice (same {@code eventId} from the
 * same server) counts once. Rows come out newest first.
 */
final class ExchangeMerger {

    private ExchangeMerger() {
    }

    static List<ExchangeRow> merge(List<SideRecord> records) {
        Map<List<String>, List<SideRecord>> exchanges = new LinkedHashMap<>();
        Set<List<String>> seen = new LinkedHashSet<>();
        for (SideRecord record : records) {
            if (seen.add(List.of(record.server().format(), record.eventId()))) {
                exchanges.computeIfAbsent(key(record), k -> new ArrayList<>()).add(record);
            }
        }
        List<ExchangeRow> rows = new ArrayList<>();
        for (List<SideRecord> sides : exchanges.values()) {
            rows.add(row(sides));
        }
        rows.sort(Comparator.comparing(ExchangeRow::time).reversed().thenComparing(ExchangeRow::queryId));
        return rows;
    }

    /**
     * What groups records into one exchange: its query id and client; for a restricted access
     * not disclosed (whose stub names neither) its restriction and the minute it was logged, so the
     * consumer's and the provider's stubs of one exchange show as one row.
     */
    private static List<String> key(SideRecord record) {
        SideRecord.Restricted restricted = record.restricted();
        if (restricted != null && restricted.status() != SideRecord.Status.DISCLOSED) {
            return List.of("restricted", restricted.restriction().authority(), restricted.restriction().legalBasis(),
                    restricted.restriction().discloseAt().toString(),
                    record.time().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString());
        }
        return List.of(record.queryId(), record.client());
    }

    private static ExchangeRow row(List<SideRecord> records) {
        List<SideRecord> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparing((SideRecord r) -> r.side().equals("consumer") ? 0 : 1)
                .thenComparing(SideRecord::time));
        SideRecord shown = ordered.get(0);
        Set<String> sides = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        boolean verified = true;
        for (SideRecord record : ordered) {
            sides.add(record.side());
            if (!record.verified()) {
                verified = false;
                reasons.add(record.side() + " record at " + record.server().format() + ": " + record.reason());
            }
        }
        Boolean agree = null;
        List<String> differences = new ArrayList<>();
        boolean sealed = ordered.stream().anyMatch(r -> r.restricted() != null
                && r.restricted().status() != SideRecord.Status.DISCLOSED);
        if (sides.size() > 1 && !sealed) { // sealed stubs hold nothing to compare
            for (String member : SideRecord.COMPARED) {
                Set<String> values = new LinkedHashSet<>();
                for (SideRecord record : ordered) {
                    values.add(Objects.toString(record.compared(member), ""));
                }
                if (values.size() > 1) {
                    differences.add(member);
                }
            }
            agree = differences.isEmpty();
        }
        // The restriction shown: a flagged one before any other, so a broken promise is never hidden.
        SideRecord.Restricted restricted = ordered.stream().map(SideRecord::restricted).filter(Objects::nonNull)
                .min(Comparator.comparing((SideRecord.Restricted r) -> r.status().flagged() ? 0 : 1)).orElse(null);
        return new ExchangeRow(shown.time(), shown.client(), shown.service(), shown.method(), shown.path(),
                shown.userId(), shown.issue(), shown.purpose(), shown.outcome(), shown.queryId(),
                List.copyOf(sides), verified, agree, differences, reasons, ordered, restricted);
    }
}
