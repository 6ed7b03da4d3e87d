package org.xroadng.auditlog.portal;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One exchange that named the citizen, as the portal shows it: the records of its sides (the
 * consumer's and the provider's security server) merged by {@code queryId} and {@code client}.
 *
 * <p>{@code verified} is true only if every side seen is verified; {@code agree} is true when two
 * sides were seen and agree on every {@link SideRecord#COMPARED} member, false with the
 * {@code differences} named when they do not, and null when only one side was seen. The shown
 * values are the consumer's when it was seen, the provider's otherwise.
 *
 * @param sides   the sides seen, consumer first
 * @param reasons    why a side is not verified, one text per unverified side
 * @param restricted for a restricted access, its restriction and how far it is disclosed (a
 *                   flagged side's when one is); null otherwise. Until it is disclosed only
 *                   {@code time}, {@code sides} and this are known: the rest is null
 */
public record ExchangeRow(Instant time, String client, String service, String method, String path, String userId,
                          String issue, String purpose, String outcome, String queryId, List<String> sides,
                          boolean verified, Boolean agree, List<String> differences, List<String> reasons,
                          List<SideRecord> records, SideRecord.Restricted restricted) {

    public ExchangeRow(Instant time, String client, String service, String method, String path, String userId,
                       String issue, String purpose, String outcome, String queryId, List<String> sides,
                       boolean verified, Boolean agree, List<String> differences, List<String> reasons,
                       List<SideRecord> records) {
        this(time, client, service, method, path, userId, issue, purpose, outcome, queryId, sides, verified, agree,
                differences, reasons, records, null);
    }

    /** Whether the row is a restricted access whose details are not shown (not disclosed, or flagged). */
    public boolean sealed() {
        return restricted != null && restricted.status() != SideRecord.Status.DISCLOSED;
    }

    public ExchangeRow {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(queryId, "queryId");
        sides = List.copyOf(sides);
        differences = List.copyOf(differences);
        reasons = List.copyOf(reasons);
        records = List.copyOf(records);
    }
}
