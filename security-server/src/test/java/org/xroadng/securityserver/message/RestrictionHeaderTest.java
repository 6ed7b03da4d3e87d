package org.xroadng.securityserver.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.Restriction;

/** The {@code X-Road-Restriction} header's forms, and the refusals that name what is wrong. */
class RestrictionHeaderTest {

    @Test
    void rfc3339TimeWithOffset_orADay_areRead() {
        RestrictionHeader time = RestrictionHeader.parse("CPC-2015-art.88;disclose=2027-03-31T10:15:00+07:00");
        assertEquals("CPC-2015-art.88", time.legalBasis());
        assertEquals(Instant.parse("2027-03-31T03:15:00Z"), time.discloseAt());
        assertEquals(Optional.empty(), time.restriction(), "no authority: the provider's server states it");
        RestrictionHeader day = RestrictionHeader.parse(" CPC-2015-art.88 ; disclose=2027-03-31 ");
        assertEquals(Instant.parse("2027-03-31T00:00:00Z"), day.discloseAt());
    }

    @Test
    void theProvidersAnswer_carriesTheAuthority_andReadsBackToTheSameRestriction() {
        Restriction restriction = new Restriction("police", "CPC-2015-art.88", Instant.parse("2027-03-31T00:00:00Z"));
        String answered = RestrictionHeader.format(restriction);
        assertEquals("CPC-2015-art.88;disclose=2027-03-31T00:00:00Z;authority=police", answered);
        assertEquals(Optional.of(restriction), RestrictionHeader.parse(answered).restriction());
    }

    @Test
    void malformedValues_areRefusedSayingWhatIsExpected() {
        for (String bad : List.of("", "CPC-2015", "CPC 2015;disclose=2027-03-31", "CPC;disclose=tomorrow",
                "CPC;disclose=2027-03-31T10:15:00", "CPC;until=2027-03-31", "CPC;disclose=2027-03-31;disclose=2027-04-01",
                "CPC;disclose=2027-03-31;authority=Police", "CPC;disclose=2027-03-31;authority=police;x=y")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RestrictionHeader.parse(bad),
                    bad);
            assertTrue(e.getMessage().startsWith("X-Road-Restriction"), e.getMessage());
        }
    }

    @Test
    void givenTwice_isRefused_absent_isEmpty() {
        assertEquals(Optional.empty(), RestrictionHeader.find(List.of(Map.entry("X-Road-Purpose", "x"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RestrictionHeader.find(List.of(
                Map.entry("X-Road-Restriction", "A;disclose=2027-03-31"),
                Map.entry("x-road-restriction", "B;disclose=2027-03-31"))));
        assertTrue(e.getMessage().contains("more than once"), e.getMessage());
    }
}
