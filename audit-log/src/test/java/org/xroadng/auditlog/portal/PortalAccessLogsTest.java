package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.globalconf.ConfigurationException;

class PortalAccessLogsTest {

    private PortalScenario scenario = PortalScenario.standard();
    private CitizenAccessLogs logs;

    @AfterEach
    void stop() {
        scenario.release();
        if (logs != null) {
            logs.close();
        }
    }

    private CitizenEvents ask(String subject) throws ConfigurationException {
        return ask(subject, Duration.ofSeconds(5), Duration.ofSeconds(8));
    }

    private CitizenEvents ask(String subject, Duration perServer, Duration deadline) throws ConfigurationException {
        logs = new CitizenAccessLogs(scenario, scenario, new AnswerVerifier(scenario.witness, java.time.Clock.systemUTC()), perServer, deadline);
        return logs.eventsOf(new PersonalCode(subject));
    }

    @Test
    void citizenWithExchanges_seesBothSidesMergedVerifiedNewestFirst() throws ConfigurationException {
        CitizenEvents events = ask(PortalScenario.CITIZEN);

        assertEquals(List.of("q-2", "q-1"), events.events().stream().map(ExchangeRow::queryId).toList());
        for (ExchangeRow row : events.events()) {
            assertEquals(List.of("consumer", "provider"), row.sides());
            assertTrue(row.verified(), () -> "reasons: " + row.reasons());
            assertEquals(Boolean.TRUE, row.agree());
            assertEquals("DEMO/GOV/1002/tax", row.client());
            assertEquals("DEMO/GOV/1001/population/person", row.service());
            assertEquals("tax-assessment", row.purpose());
            assertEquals("/person/" + PortalScenario.CITIZEN, row.path());
        }
        assertEquals(List.of(), events.unreachable());
        assertEquals(List.of(), events.problems());
    }

    /** Three exchanges about the citizen, checkpointed: the provider's log holds them at indexes 0, 1, 2. */
    private static PortalScenario threeExchanges() {
        PortalScenario s = new PortalScenario();
        for (int i = 1; i <= 3; i++) {
            s.exchange("q-" + i, PortalScenario.T0.plus(Duration.ofHours(i)), PortalScenario.CITIZEN, "tax-assessment",
                    "tax-assessment");
        }
        s.checkpointAll(PortalScenario.T0.plus(Duration.ofHours(4)));
        return s;
    }

    @Test
    void serverHidesAnEventBetweenOthers_namedAsLeftOut() throws ConfigurationException {
        scenario = threeExchanges();
        scenario.provider.hide(1);

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        assertEquals(List.of("DEMO/GOV/1001/ss2 left out at least one of your events: its event 2 follows your"
                + " event 1, but the answer goes from event 0 to it", "DEMO/GOV/1001/ss2 answered without a record of"
                + " exchange q-2 at 2026-03-01T11:00:00Z, which DEMO/GOV/1002/ss1 logged as completed"),
                texts(events));
        assertEquals(List.of(CitizenEvents.Kind.LEFT_OUT, CitizenEvents.Kind.PROVIDER_RECORD_MISSING),
                events.problems().stream().map(CitizenEvents.Problem::kind).toList());
        ExchangeRow hidden = events.events().stream().filter(r -> r.queryId().equals("q-2")).findFirst().orElseThrow();
        assertEquals(List.of("consumer"), hidden.sides(), "the consumer's server still shows the exchange");
        assertTrue(events.events().stream().allMatch(ExchangeRow::verified), "what was shown is still verified");
    }

    @Test
    void serverHidesTheOldestEvent_namedAsLeftOut() throws ConfigurationException {
        scenario = threeExchanges();
        scenario.provider.hide(0);

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        assertEquals("DEMO/GOV/1001/ss2 left out at least one of your events: its event 1 follows your"
                + " event 0, which the answer does not include", texts(events).get(0));
    }

    @Test
    void providerHidesTheNewestEvent_theConsumersCompletedRecordNamesIt() throws ConfigurationException {
        scenario = threeExchanges();
        scenario.provider.hide(2);

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        assertEquals(List.of("DEMO/GOV/1001/ss2 answered without a record of exchange q-3 at 2026-03-01T12:00:00Z,"
                + " which DEMO/GOV/1002/ss1 logged as completed"), texts(events));
        assertEquals(List.of("consumer"), events.events().get(0).sides());
        assertNull(events.events().get(0).agree());
    }

    @Test
    void providerUnreachable_itsMissingRecordsAreNotBlamedOnIt() throws ConfigurationException {
        scenario.hanging.add(PortalScenario.SS2);

        CitizenEvents events = ask(PortalScenario.CITIZEN, Duration.ofMillis(300), Duration.ofMillis(500));

        assertEquals(List.of(), events.problems());
        assertEquals(List.of(PortalScenario.SS2), events.unreachable().stream().map(CitizenEvents.Unreachable::server).toList());
    }

    @Test
    void refusedAttemptWithOnlyTheConsumersRecord_isNoProblem() throws ConfigurationException {
        scenario.consumer.append(new org.xroadng.auditlog.access.AccessEvent("q-9-consumer",
                PortalScenario.T0.plus(Duration.ofHours(5)), "consumer", PortalScenario.TAX, PortalScenario.PERSON,
                "GET", "/person/x", null, null, null, List.of(PortalScenario.CITIZEN), "q-9", null,
                "refused Server.ServerProxy.AccessDenied"));
        scenario.checkpointAll(PortalScenario.T0.plus(Duration.ofHours(6)));

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        assertEquals("q-9", events.events().get(0).queryId());
        assertEquals(List.of(), events.problems());
    }

    @Test
    void eventLinkStrippedByTheServer_isNotVerified() throws ConfigurationException {
        scenario.tampering.put(PortalScenario.SS2, event -> {
            event.remove("previous");
            return event;
        });

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        for (ExchangeRow row : events.events()) {
            assertFalse(row.verified());
            assertTrue(row.reasons().get(0).contains(AnswerVerifier.PROOF_FAILED), row.reasons().toString());
        }
    }

    @Test
    void anotherCitizen_seesOnlyTheirOwnExchange() throws ConfigurationException {
        CitizenEvents other = ask(PortalScenario.OTHER_CITIZEN);

        assertEquals(List.of("q-3"), other.events().stream().map(ExchangeRow::queryId).toList());
    }

    @Test
    void citizenWithoutExchanges_seesNone() throws ConfigurationException {
        assertEquals(List.of(), ask(PortalScenario.NOBODY).events());
    }

    @Test
    void eventsNotNamingTheSubject_areDropped() throws ConfigurationException {
        // A server that answers with another person's event (renamed subject list keeps the proof valid for nothing).
        scenario.tampering.put(PortalScenario.SS2, event -> {
            event.put("subjects", List.of(PortalScenario.OTHER_CITIZEN));
            return event;
        });

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        for (ExchangeRow row : events.events()) {
            assertEquals(List.of("consumer"), row.sides());
            assertNull(row.agree());
        }
    }

    @Test
    void eventChangedAfterTheFact_isNotVerified() throws ConfigurationException {
        scenario.tampering.put(PortalScenario.SS2, event -> {
            HashMap<String, Object> changed = new HashMap<>(event);
            changed.put("purpose", "curiosity");
            return changed;
        });

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        for (ExchangeRow row : events.events()) {
            assertFalse(row.verified());
            assertEquals(List.of("provider record at DEMO/GOV/1001/ss2: " + AnswerVerifier.PROOF_FAILED), row.reasons());
            assertEquals(Boolean.FALSE, row.agree());
            assertEquals(List.of("purpose"), row.differences());
        }
    }

    @Test
    void checkpointRootNotWitnessed_isNotVerified() throws ConfigurationException {
        scenario.consumer.forgeCheckpoint(PortalScenario.T0.plus(Duration.ofHours(4)));

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        for (ExchangeRow row : events.events()) {
            assertFalse(row.verified());
            assertEquals(1, row.reasons().size());
            assertTrue(row.reasons().get(0).startsWith("consumer record at DEMO/GOV/1002/ss1: "
                    + AnswerVerifier.NOT_WITNESSED), row.reasons().get(0));
        }
    }

    @Test
    void eventAfterTheCheckpoint_isNotVerifiedWithReason() throws ConfigurationException {
        scenario.exchange("q-4", PortalScenario.T0.plus(Duration.ofHours(5)), PortalScenario.CITIZEN,
                "tax-assessment", "tax-assessment");

        CitizenEvents events = ask(PortalScenario.CITIZEN);

        ExchangeRow newest = events.events().get(0);
        assertEquals("q-4", newest.queryId());
        assertFalse(newest.verified());
        assertEquals(List.of("consumer record at DEMO/GOV/1002/ss1: " + AnswerVerifier.NOT_CHECKPOINTED,
                "provider record at DEMO/GOV/1001/ss2: " + AnswerVerifier.NOT_CHECKPOINTED), newest.reasons());
        assertTrue(events.events().get(1).verified());
    }

    @Test
    void serverNotAnsweringInTime_isUnreachableWhileOthersAreShown() throws ConfigurationException {
        scenario.hanging.add(PortalScenario.SS3);

        CitizenEvents events = ask(PortalScenario.CITIZEN, Duration.ofMillis(300), Duration.ofSeconds(2));

        assertEquals(List.of(PortalScenario.SS3), events.unreachable().stream().map(CitizenEvents.Unreachable::server).toList());
        assertEquals("no answer within 300 ms", events.unreachable().get(0).reason());
        assertTrue(events.unreachable().get(0).timedOut());
        assertEquals(2, events.events().size());
        assertTrue(events.events().stream().allMatch(ExchangeRow::verified));
    }

    @Test
    void everyServerSlow_allAskedAtOnceSoAllAnswerWithinTheDeadline() throws ConfigurationException {
        // one after the other the three answers would take 1.5 s, past the 1 s deadline
        scenario.slowMillis.put(PortalScenario.SS1, 500L);
        scenario.slowMillis.put(PortalScenario.SS2, 500L);
        scenario.slowMillis.put(PortalScenario.SS3, 500L);

        CitizenEvents events = ask(PortalScenario.CITIZEN, Duration.ofMillis(900), Duration.ofSeconds(1));

        assertEquals(List.of(), events.unreachable(), "every server answered in time");
        assertEquals(2, events.events().size());
        assertTrue(events.events().stream().allMatch(row -> row.verified() && row.sides().size() == 2),
                events.events().toString());
    }

    @Test
    void sidesRecordingDifferentPurposes_doNotAgree() throws ConfigurationException {
        scenario = new PortalScenario();
        scenario.exchange("q-9", PortalScenario.T0, PortalScenario.CITIZEN, "tax-assessment", "marketing");
        scenario.checkpointAll(PortalScenario.T0.plusSeconds(60));

        ExchangeRow row = ask(PortalScenario.CITIZEN).events().get(0);

        assertTrue(row.verified());
        assertEquals(Boolean.FALSE, row.agree());
        assertEquals(List.of("purpose"), row.differences());
        assertEquals("tax-assessment", row.purpose());
    }

    @Test
    void serverWithoutCheckpoint_hasItsEventsUnverified() throws ConfigurationException {
        scenario = new PortalScenario();
        scenario.exchange("q-5", PortalScenario.T0, PortalScenario.CITIZEN, "tax-assessment", "tax-assessment");

        ExchangeRow row = ask(PortalScenario.CITIZEN).events().get(0);

        assertFalse(row.verified());
        assertTrue(row.reasons().stream().allMatch(r -> r.endsWith(AnswerVerifier.NOT_CHECKPOINTED)), row.reasons()::toString);
    }

    private static List<String> texts(CitizenEvents events) {
        return events.problems().stream().map(CitizenEvents.Problem::text).toList();
    }
}
