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
                            List<String> problems) {

    public CitizenEvents {
        Objects.requireNonNull(subject, "subject");
        events = List.copyOf(events);
        unreachable = List.copyOf(unreachable);
        problems = List.copyOf(problems);
    }

    /** A server whose answer did not arrive, and why. */
    public record Unreachable(SecurityServerId server, String reason) {
        public Unreachable {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
