package org.xroadng.auditlog.portal;

import java.util.Set;

/**
 * An access event's {@code outcome} ({@code ok}, {@code error <status>}, {@code refused <error type>},
 * as the security server writes it) sorted into what the portal tells a citizen: the message key of
 * its plain sentence ({@code outcome.ok}; {@code outcome.refused.AccessDenied} and the other refusals
 * a citizen can understand; {@code outcome.refused} for the rest; {@code outcome.failed};
 * {@code outcome.other}). Every sentence takes the asking agency as {0}, the answering one as {1}
 * and {@link #detail()} as {2}.
 *
 * @param kind          {@code ok}, {@code refused}, {@code failed} or {@code other}
 * @param detail        the HTTP status of a failure or the whole outcome of an unknown one, else empty
 * @param technicalCode the wire error code of a refusal no plain sentence names, shown as a detail; else empty
 */
record Outcome(String kind, String key, String detail, String technicalCode) {

    /** Refusals with a sentence of their own: the last part of {@code Server.ServerProxy.<name>}. */
    static final Set<String> EXPLAINED_REFUSALS = Set.of("AccessDenied", "PurposeNotAllowed", "ServiceDisabled",
            "UnknownService", "UnknownMember");

    private static final String REFUSED = "refused ";
    private static final String ERROR = "error ";

    static Outcome parse(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return new Outcome("other", "outcome.other", "", "");
        }
        if (outcome.equals("ok")) {
            return new Outcome("ok", "outcome.ok", "", "");
        }
        if (outcome.startsWith(REFUSED)) {
            String code = outcome.substring(REFUSED.length()).trim();
            String name = code.substring(code.lastIndexOf('.') + 1);
            if (code.startsWith("Server.ServerProxy.") && EXPLAINED_REFUSALS.contains(name)) {
                return new Outcome("refused", "outcome.refused." + name, "", "");
            }
            return new Outcome("refused", "outcome.refused", "", code);
        }
        if (outcome.startsWith(ERROR)) {
            return new Outcome("failed", "outcome.failed", outcome.substring(ERROR.length()).trim(), "");
        }
        return new Outcome("other", "outcome.other", outcome, "");
    }
}
