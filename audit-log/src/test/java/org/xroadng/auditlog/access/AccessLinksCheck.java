package org.xroadng.auditlog.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.json.ProtocolJson;

/** The {@code previous} links every {@link AccessLog} must write, checked on any of them. */
public final class AccessLinksCheck {

    private AccessLinksCheck() {
    }

    public static AccessEvent event(int n, String... subjects) {
        return new AccessEvent("event-" + n, Instant.parse("2026-03-01T10:00:00Z").plusSeconds(n), "provider",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "GET",
                "/person/" + n, null, null, "tax-assessment", List.of(subjects), "q-" + n, null, "ok");
    }

    /** The {@code previous} member of entry {@code index}, as subject to index. */
    public static Map<String, Long> linksOf(AccessLog log, long index) {
        try {
            JsonNode previous = ProtocolJson.mapper().readTree(log.merkleLog().entry(index)).get(AccessEvent.PREVIOUS);
            return ProtocolJson.mapper().convertValue(previous,
                    ProtocolJson.mapper().getTypeFactory().constructMapType(Map.class, String.class, Long.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends five events to an empty log, one by one and in a batch, and checks each entry's links. */
    public static void appendAndCheckLinks(AccessLog log) {
        log.append(event(0, "EE1"));
        log.append(event(1, "EE2"));
        log.appendAll(List.of(event(2, "EE1", "EE2"), event(3, "EE3"), event(4, "EE1")));

        assertEquals(Map.of(), linksOf(log, 0));
        assertEquals(Map.of(), linksOf(log, 1));
        assertEquals(Map.of("EE1", 0L, "EE2", 1L), linksOf(log, 2));
        assertEquals(Map.of(), linksOf(log, 3));
        assertEquals(Map.of("EE1", 2L), linksOf(log, 4), "a link to an event earlier in the same batch");
    }
}
