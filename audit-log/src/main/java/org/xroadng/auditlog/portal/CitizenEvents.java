package org.xroadng.auditlog.portal;

import java.util.List;
import java.util.Objects;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * What the portal found for one citizen: their exchanges newest first, and the servers that did not
 * answer, so that a page can say the list is partial.
 *
 * @param problems per-server notes that are not about one row (a record that could not be read)
 */
public record CitizenEvents(PersonalCode subject, List<ExchangeRow> events, List<Unreachable> unreachable,
                            List<Problem> problems) {

    public CitizenEvents {
        Objects.requireNonNull(subject, "subject");
        events = List.copyOf(events);
        unreachable = List.copyOf(unreachable);
        problems = List.copyOf(problems);
    }

    /**
     * A server whose answer did not arrive, and why.
     *
     * @param timedOut true when it did not answer in time, false when asking it failed
     * @param reason   the technical reason, in English
     */
    public record Unreachable(SecurityServerId server, boolean timedOut, String reason) {
        public Unreachable {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Something a server's answer showed beyond single rows, of a {@link Kind} a page can put in
     * plain words, with the technical {@code text} (English) that the JSON API gives.
     */
    public record Problem(SecurityServerId server, Kind kind, String text) {
        public Problem {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
        }
    }

    /** What kind of {@link Problem}. */
    public enum Kind {
        /** The server's answer left out at least one of the citizen's events (the links between them show a gap). */
        LEFT_OUT,
        /** The server holds more events naming the citizen than one answer carries; the oldest are not shown. */
        TOO_MANY,
        /** An event in the answer cannot be read or checked. */
        UNREADABLE,
        /** The provider's servers answered without an exchange the consumer's server logged as completed. */
        PROVIDER_RECORD_MISSING,
        /** A restricted access was revealed as another event than the one its stub committed to. */
        RESTRICTED_REVEAL_MISMATCH,
        /** A restricted access was not revealed although its disclosure date has passed. */
        RESTRICTED_OVERDUE
    }
}
