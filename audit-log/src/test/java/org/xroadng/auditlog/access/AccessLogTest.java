package org.xroadng.auditlog.access;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

class AccessLogTest {

    private static AccessEvent event(String userId) {
        return new AccessEvent("6f1c0f1e-0000-4000-8000-000000000001", Instant.parse("2025-03-01T10:00:00.5Z"),
                "consumer", SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"),
                "GET", "/persons/38001010000", userId, null, "tax audit", List.of("EE38001010000"), "q-1", "abc",
                "ok");
    }

    @Test
    void entry_canonicalJsonHasEveryMemberSortedWithNullsForAbsent_andTheLink() {
        assertEquals("{\"client\":\"DEMO/GOV/1002/tax\",\"eventId\":\"6f1c0f1e-0000-4000-8000-000000000001\","
                + "\"issue\":null,\"method\":\"GET\",\"outcome\":\"ok\",\"path\":\"/persons/38001010000\","
                + "\"previous\":{\"EE38001010000\":41},\"purpose\":\"tax audit\",\"queryId\":\"q-1\",\"requestHash\":\"abc\",\"service\":"
                + "\"DEMO/GOV/1001/population/person\",\"side\":\"consumer\",\"subjects\":[\"EE38001010000\"],"
                + "\"time\":\"2025-03-01T10:00:00.500Z\",\"userId\":null}",
                new String(event(null).entry(Map.of("EE38001010000", 41L)), StandardCharsets.UTF_8));
    }

    @Test
    void entry_isWhatCanonicalJsonGivesForTheEventsObjectModelWithTheLink() {
        AccessEvent awkward = new AccessEvent("e-\"2\"", Instant.parse("2025-03-01T10:00:00Z"), "provider",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "POST",
                "/persons/Nguyễn Văn A\\\n\u0001", "cán bộ 7", "ISSUE-1", null, List.of("VN001", "EE2", "EE1"), "q-2",
                null, "error 503");
        Map<String, Long> links = Map.of("VN001", 3L, "EE1", 9L, "EE2", 0L);
        for (Map<String, Long> previous : List.of(Map.<String, Long>of(), Map.of("EE1", 9L), links)) {
            Map<String, Object> json = awkward.toJson();
            json.put(AccessEvent.PREVIOUS, previous);
            assertArrayEquals(CanonicalJson.bytes(json), awkward.entry(previous), previous.toString());
        }
    }

    @Test
    void appendedEvent_leafIsCanonicalJsonWithLinkAndProofVerifies() throws ProofVerificationException {
        InMemoryMerkleLog merkle = new InMemoryMerkleLog();
        AccessLog log = new MemoryAccessLog(merkle);
        log.append(event("a"));
        long index = log.append(event("b"));

        assertEquals(1, index);
        byte[] expected = event("b").entry(Map.of("EE38001010000", 0L));
        assertArrayEquals(expected, merkle.entry(1));
        merkle.inclusion(1, merkle.size()).verify(MerkleHashes.leafHash(expected), merkle.root());
        assertTrue(new String(merkle.entry(0), StandardCharsets.UTF_8).contains("\"previous\":{}"),
                "the subject's first event links to nothing");
    }

    @Test
    void links_eachSubjectPointsAtItsLatestEarlierEvent_acrossAndWithinBatches() {
        AccessLog log = new MemoryAccessLog(new InMemoryMerkleLog());
        AccessLinksCheck.appendAndCheckLinks(log);
    }

    @Test
    void linkToASubjectTheEventDoesNotName_refused() {
        assertThrows(IllegalArgumentException.class, () -> event(null).entry(Map.of("EE1", 3L)));
        assertThrows(IllegalArgumentException.class, () -> event(null).entry(Map.of("EE38001010000", -1L)));
    }

    @Test
    void eventWithoutSubjects_refused() {
        assertThrows(IllegalArgumentException.class, () -> new AccessEvent("id", Instant.EPOCH, "consumer",
                SubsystemId.parse("DEMO/GOV/1002/tax"), ServiceId.parse("DEMO/GOV/1001/population/person"), "GET",
                "/", null, null, null, List.of(), "q", null, "ok"));
    }

    @Test
    void statusAtOrAbove400_outcomeIsError() {
        assertEquals("ok", AccessEvent.outcomeOf(399));
        assertEquals("error 404", AccessEvent.outcomeOf(404));
    }
}
