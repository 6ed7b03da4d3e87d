package org.xroadng.auditlog.portal;

import java.util.Locale;
import java.util.Objects;

/**
 * A line of a banner on the portal's page: a plain sentence in the page's language and the technical
 * detail the server or the portal gave (in English), shown smaller.
 */
public record PageNotice(String sentence, String detail) {

    public PageNotice {
        Objects.requireNonNull(sentence, "sentence");
        Objects.requireNonNull(detail, "detail");
    }

    /** A server that did not answer: {@code unreachable.timedOut} or {@code unreachable.failed}. */
    static PageNotice of(CitizenEvents.Unreachable unreachable, PortalMessages messages, Locale language) {
        return new PageNotice(messages.get(language, unreachable.timedOut() ? "unreachable.timedOut" : "unreachable.failed",
                unreachable.server().format()), unreachable.reason());
    }

    /** A problem in a server's answer: {@code problem.<KIND>}. */
    static PageNotice of(CitizenEvents.Problem problem, PortalMessages messages, Locale language) {
        return new PageNotice(messages.get(language, "problem." + problem.kind().name(), problem.server().format()),
                problem.text());
    }
}
