package org.xroadng.auditlog.portal;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.xroadng.auditlog.witness.CosignaturePolicy;

/**
 * One {@link ExchangeRow} in the words of the page's language, for the portal's template: the date
 * as {@code dd/MM/yyyy} and the time as {@code HH:mm} in the viewer's zone, and a plain sentence for
 * what happened ({@link Outcome}), whether the sides' records agree and whether they are verified.
 * Every text is plain (the template escapes it); identifiers and technical reasons are kept apart,
 * as details.
 *
 * @param outcome   {@code ok}, {@code refused}, {@code failed} or {@code other}: the row's style
 * @param agreement {@code agree}, {@code differ} or {@code one-side}
 * @param reasons   why a side is not verified: a record not vouched for by enough witnesses in the
 *                  page's language, any other reason as the technical text
 * @param restriction      for a restricted access, a sentence on its restriction and disclosure
 *                         (sealed until a date, disclosed and matching its commitment, or flagged);
 *                         empty otherwise
 * @param restrictionState the restriction's status in lower case ({@code sealed}, {@code due},
 *                         {@code disclosed}, {@code mismatch}, {@code overdue}), empty otherwise: its style
 * @param witnesses per side whose witnesses were checked: how many of the required cosigned, then
 *                  each trusted witness, whether it vouched for the record's checkpoint and, if
 *                  not, why
 */
public record ExchangeView(String date, String time, String sentence, String outcome, String badge,
                           String technicalCode, String who, String whoDetail, String service, String serviceDetail,
                           String purpose, String issue, String agreement, String agreementText, boolean verified,
                           String verifiedText, List<String> reasons, List<String> witnesses, String restriction,
                           String restrictionState) {

    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy", Locale.ROOT);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    public ExchangeView {
        reasons = List.copyOf(reasons);
        witnesses = List.copyOf(witnesses);
    }

    /** @param memberNames the member name for a client or service identifier, for people to read */
    static ExchangeView of(ExchangeRow row, Function<String, Optional<String>> memberNames, PortalMessages messages,
                           Locale language, ZoneId zone) {
        if (row.sealed()) {
            return sealed(row, messages, language, zone);
        }
        Optional<String> clientName = memberNames.apply(row.client());
        Optional<String> providerName = memberNames.apply(row.service());
        String who = clientName.orElse(row.client());
        String from = providerName.orElse(subsystemOf(row.service()));
        Outcome outcome = Outcome.parse(row.outcome());
        String sentence = messages.get(language, outcome.key(), who, from, outcome.detail());

        String whoDetail = clientName.isPresent() ? row.client() : "";
        if (row.userId() != null && !row.userId().isEmpty()) {
            whoDetail = (whoDetail.isEmpty() ? "" : whoDetail + ", ") + messages.get(language, "row.official", row.userId());
        }
        String service = providerName.map(n -> n + ": ").orElse("") + row.service();
        String serviceDetail = row.method() + (row.path() == null ? "" : " " + row.path());
        String purpose = row.purpose() == null || row.purpose().isEmpty() ? messages.get(language, "row.noPurpose")
                : row.purpose();
        String issue = row.issue() == null || row.issue().isEmpty() ? "" : messages.get(language, "row.issue", row.issue());

        String agreement;
        String agreementText;
        if (row.agree() == null) {
            agreement = "one-side";
            String only = row.sides().contains("consumer") ? "consumer" : "provider";
            agreementText = messages.get(language, "sides." + only + (outcome.kind().equals("refused") ? ".refused" : ""));
        } else if (row.agree()) {
            agreement = "agree";
            agreementText = messages.get(language, "sides.agree");
        } else {
            agreement = "differ";
            List<String> fields = new ArrayList<>();
            for (String member : row.differences()) {
                fields.add(messages.get(language, "field." + member));
            }
            agreementText = messages.get(language, "sides.differ", String.join(", ", fields));
        }
        if (row.sides().equals(List.of("oversight"))) {
            sentence = messages.get(language, "oversight.sentence", row.userId() == null ? "" : row.userId(), from);
            agreementText = messages.get(language, "sides.oversight");
            whoDetail = clientName.isPresent() ? row.client() : "";
            who = messages.get(language, "oversight.who");
        }
        String verifiedText = messages.get(language, row.verified() ? "verified.yes" : "verified.no");
        String restriction = "";
        String state = "";
        if (row.restricted() != null) {
            SideRecord.Restricted r = row.restricted();
            restriction = messages.get(language, "restricted.state.DISCLOSED", authorityName(r, messages, language),
                    r.restriction().legalBasis(), DATE.format(r.restriction().discloseAt().atZone(zone)),
                    DATE.format(r.loggedAt().atZone(zone)));
            state = "disclosed";
        }
        return new ExchangeView(DATE.format(row.time().atZone(zone)), TIME.format(row.time().atZone(zone)), sentence,
                outcome.kind(), messages.get(language, "badge." + outcome.kind()), outcome.technicalCode(), who,
                whoDetail, service, serviceDetail, purpose, issue, agreement, agreementText, row.verified(),
                verifiedText, reasons(row, messages, language), witnesses(row, messages, language), restriction, state);
    }

    /**
     * A restricted access not (properly) disclosed: what the stub says (the kind of authority, the
     * legal basis, the disclosure date) and nothing of the event's details; a flagged one says what
     * the server failed to do.
     */
    private static ExchangeView sealed(ExchangeRow row, PortalMessages messages, Locale language, ZoneId zone) {
        SideRecord.Restricted r = row.restricted();
        String authority = authorityName(r, messages, language);
        String discloseDate = DATE.format(r.restriction().discloseAt().atZone(zone));
        String discloseTime = TIME.format(r.restriction().discloseAt().atZone(zone));
        String sentence = messages.get(language, "restricted.sentence", authority, r.restriction().legalBasis(),
                discloseDate, discloseTime);
        String agreementText = messages.get(language, row.sides().size() > 1 ? "restricted.sides.both"
                : "sides." + row.sides().get(0));
        String verifiedText = messages.get(language, row.verified() ? "verified.yes" : "verified.no");
        String restriction = messages.get(language, "restricted.state." + r.status().name(), discloseDate,
                discloseTime);
        return new ExchangeView(DATE.format(row.time().atZone(zone)), TIME.format(row.time().atZone(zone)), sentence,
                r.status().flagged() ? "failed" : "restricted",
                messages.get(language, r.status().flagged() ? "badge.restrictedFlagged" : "badge.restricted"), "",
                authority, "", messages.get(language, "restricted.withheld", discloseDate), "",
                messages.get(language, "restricted.legalBasis", r.restriction().legalBasis()), "",
                row.sides().size() > 1 ? "agree" : "one-side", agreementText, row.verified(), verifiedText,
                reasons(row, messages, language), witnesses(row, messages, language), restriction,
                r.status().name().toLowerCase(Locale.ROOT));
    }

    /** The kind of authority in words ({@code authority.<code>}), or its code when the portal has no words for it. */
    private static String authorityName(SideRecord.Restricted r, PortalMessages messages, Locale language) {
        String key = "authority." + r.restriction().authority();
        return messages.has(key) ? messages.get(language, key) : r.restriction().authority();
    }

    /** Each unverified side's reason: not vouched for, in words; otherwise the technical text. */
    private static List<String> reasons(ExchangeRow row, PortalMessages messages, Locale language) {
        List<String> reasons = new ArrayList<>();
        for (SideRecord record : row.records()) {
            if (record.verified()) {
                continue;
            }
            CosignaturePolicy.Verdict vouching = record.vouching();
            if (vouching != null && !vouching.met()) {
                reasons.add(messages.get(language, "reason.notVouched." + record.side(), vouching.vouched().size(),
                        vouching.quorum(), record.server().format()));
            } else {
                reasons.add(record.side() + " record at " + record.server().format() + ": " + record.reason());
            }
        }
        return reasons;
    }

    /** Which witnesses vouched for each side's checkpoint and which did not, and why. */
    private static List<String> witnesses(ExchangeRow row, PortalMessages messages, Locale language) {
        List<String> lines = new ArrayList<>();
        for (SideRecord record : row.records()) {
            CosignaturePolicy.Verdict vouching = record.vouching();
            if (vouching == null) {
                continue;
            }
            lines.add(messages.get(language, "witnesses." + record.side(), vouching.vouched().size(),
                    vouching.quorum(), record.server().format()));
            vouching.vouched().keySet().stream().sorted()
                    .forEach(name -> lines.add(messages.get(language, "witnesses.vouched", name)));
            vouching.missing().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> lines.add(messages.get(language, "witnesses.missing." + e.getValue().name(),
                            e.getKey())));
        }
        return lines;
    }

    /** {@code DEMO/GOV/1001/population} of a service identifier {@code DEMO/GOV/1001/population/person}. */
    private static String subsystemOf(String service) {
        int slash = service.lastIndexOf('/');
        return slash > 0 ? service.substring(0, slash) : service;
    }
}
