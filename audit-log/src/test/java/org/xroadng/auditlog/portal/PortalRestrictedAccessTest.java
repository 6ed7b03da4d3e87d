package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.CanonicalJson;
import org.xroadng.auditlog.access.Restriction;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.auditlog.witness.CosignaturePolicy;

/**
 * Restricted accesses as the citizen portal shows them (DESIGN.md section 7): the stub before the
 * disclosure date, the whole event once revealed and checked against the commitment logged long
 * before, and a server that reveals another event or never reveals, flagged in both languages.
 */
class PortalRestrictedAccessTest {

    private static final Instant LOGGED = PortalScenario.T0;
    private static final Instant DISCLOSE = LOGGED.plus(Duration.ofDays(30));
    private static final PortalMessages MESSAGES = PortalMessages.load();
    private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

    private final TestServerLog provider = new TestServerLog(PortalScenario.SS2);
    private final TestServerLog.StandInWitness witness = new TestServerLog.StandInWitness();
    private final byte[] salt = salt();
    private final AccessEvent restricted;

    PortalRestrictedAccessTest() {
        AccessEvent plain = PortalScenario.event("q-9", LOGGED, "provider", PortalScenario.CITIZEN, "tax-assessment");
        restricted = new AccessEvent(plain.eventId(), plain.time(), plain.side(), plain.client(), plain.service(),
                plain.method(), plain.path(), plain.userId(), plain.issue(), plain.purpose(), plain.subjects(),
                plain.queryId(), plain.requestHash(), plain.outcome(),
                new AccessEvent.Seal(new Restriction("police", "CPC-2015-art.88", DISCLOSE), salt));
        provider.append(PortalScenario.event("q-1", LOGGED.minusSeconds(60), "provider", PortalScenario.CITIZEN,
                "tax-assessment"));
        provider.append(restricted);
        provider.checkpoint(LOGGED.plusSeconds(1), witness);
    }

    @Test
    void beforeTheDate_citizenSeesTheStubWithoutDetails_verifiedInTheLog() {
        AnswerVerifier.Result result = verify(at(DISCLOSE.minusSeconds(1)), provider.answer(PortalScenario.CITIZEN));
        SideRecord stub = only(result, SideRecord.Status.SEALED);
        assertTrue(stub.verified(), "the stub is proved in the checkpointed tree: " + stub.reason());
        assertNull(stub.client());
        assertNull(stub.service());
        assertNull(stub.path());
        assertNull(stub.userId());
        assertEquals("police", stub.restricted().restriction().authority());
        assertEquals("CPC-2015-art.88", stub.restricted().restriction().legalBasis());
        assertEquals(DISCLOSE, stub.restricted().restriction().discloseAt());
        assertTrue(result.problems().isEmpty(), result.problems().toString());

        ExchangeView vi = view(result, PortalLanguage.VIETNAMESE);
        ExchangeView en = view(result, PortalLanguage.ENGLISH);
        assertEquals("Một cơ quan (công an) đã truy cập dữ liệu của bạn theo căn cứ pháp lý CPC-2015-art.88. Chi tiết"
                + " được niêm phong đến ngày 31/03/2026 lúc 16:00.", vi.sentence());
        assertEquals("An authority (police) accessed your data under legal basis CPC-2015-art.88. The details are sealed"
                + " until 31/03/2026 at 16:00.", en.sentence());
        assertEquals("sealed", en.restrictionState());
        Map<String, Object> json = PortalApi.json(new CitizenEvents(new PersonalCode(PortalScenario.CITIZEN),
                ExchangeMerger.merge(result.records()), List.of(), result.problems()), id -> Optional.empty());
        @SuppressWarnings("unchecked")
        Map<String, Object> row = ((List<Map<String, Object>>) json.get("events")).stream()
                .filter(r -> r.get("restricted") != null).findFirst().orElseThrow();
        assertNull(row.get("client"));
        assertNull(row.get("path"));
        assertNull(row.get("agree"), "sealed stubs hold nothing to compare");
        @SuppressWarnings("unchecked")
        Map<String, Object> restriction = (Map<String, Object>) row.get("restricted");
        assertEquals("SEALED", restriction.get("status"));
        assertEquals("police", restriction.get("authority"));
        assertEquals(restricted.commitment(), restriction.get("commitment"));
        for (ExchangeView view : List.of(vi, en)) {
            String shown = String.join(" ", view.sentence(), view.who(), view.whoDetail(), view.service(),
                    view.serviceDetail(), view.purpose(), view.issue(), view.restriction());
            assertFalse(shown.contains("DEMO/GOV/1002") || shown.contains("/person/") || shown.contains("inspector-7")
                    || shown.contains("case-2026-17"), "no detail before the date: " + shown);
        }
    }

    @Test
    void afterTheDate_revealedEventIsShownWholeAndVerifiedAgainstTheOldCommitment() {
        AnswerVerifier.Result result = verify(at(DISCLOSE.plusSeconds(5)), revealed(restricted.toJson(), salt));
        SideRecord whole = only(result, SideRecord.Status.DISCLOSED);
        assertTrue(whole.verified(), whole.reason());
        assertEquals("DEMO/GOV/1002/tax", whole.client());
        assertEquals("/person/" + PortalScenario.CITIZEN, whole.path());
        assertEquals("q-9", whole.queryId());
        assertEquals(LOGGED, whole.restricted().loggedAt());
        assertTrue(result.problems().isEmpty(), result.problems().toString());

        ExchangeView en = view(result, PortalLanguage.ENGLISH);
        assertEquals("disclosed", en.restrictionState());
        assertEquals("Restricted access (police) under legal basis CPC-2015-art.88, disclosed on 31/03/2026."
                + " \u2713 These details match the fingerprint sealed in the log on 01/03/2026.", en.restriction());
        assertTrue(view(result, PortalLanguage.VIETNAMESE).restriction().contains("khớp với dấu vân tay"));
    }

    @Test
    void revealOfAnotherEvent_isFlaggedInBothLanguages() {
        Map<String, Object> changed = new LinkedHashMap<>(restricted.toJson());
        changed.put("client", "DEMO/COM/2001/loans"); // the server shows another agency than it committed to
        AnswerVerifier.Result result = verify(at(DISCLOSE.plusSeconds(5)), revealed(changed, salt));
        SideRecord flagged = only(result, SideRecord.Status.MISMATCH);
        assertFalse(flagged.verified());
        assertNull(flagged.client(), "the unproven details are not shown");
        assertEquals(CitizenEvents.Kind.RESTRICTED_REVEAL_MISMATCH, result.problems().get(0).kind());

        assertFlagged(result, "Máy chủ DEMO/GOV/1001/ss2 đã công bố một truy cập hạn chế vào dữ liệu của bạn khác với"
                + " bản ghi mà máy chủ đã niêm phong lúc đó", "DEMO/GOV/1001/ss2 disclosed a restricted access to"
                + " your data as a different record than the one it sealed at the time");
    }

    @Test
    void revealWithAnotherSalt_orAnotherDate_isFlagged() {
        byte[] other = salt();
        other[0] ^= 1;
        only(verify(at(DISCLOSE.plusSeconds(5)), revealed(restricted.toJson(), other)), SideRecord.Status.MISMATCH);

        Map<String, Object> postponed = new LinkedHashMap<>(restricted.toJson());
        postponed.put(Restriction.MEMBER, new Restriction("police", "CPC-2015-art.88", DISCLOSE.plus(Duration.ofDays(300)))
                .toJson());
        only(verify(at(DISCLOSE.plusSeconds(5)), revealed(postponed, salt)), SideRecord.Status.MISMATCH);
    }

    @Test
    void noRevealLongAfterTheDate_isFlaggedOverdueInBothLanguages() {
        AnswerVerifier.Result due = verify(at(DISCLOSE.plus(Duration.ofMinutes(1))), provider.answer(PortalScenario.CITIZEN));
        assertTrue(only(due, SideRecord.Status.DUE).verified(), "within the grace the server may still reveal it");
        assertTrue(due.problems().isEmpty());

        AnswerVerifier.Result overdue = verify(at(DISCLOSE.plus(AnswerVerifier.DISCLOSURE_GRACE)),
                provider.answer(PortalScenario.CITIZEN));
        SideRecord flagged = only(overdue, SideRecord.Status.OVERDUE);
        assertFalse(flagged.verified());
        assertEquals(CitizenEvents.Kind.RESTRICTED_OVERDUE, overdue.problems().get(0).kind());
        assertFlagged(overdue, "Máy chủ DEMO/GOV/1001/ss2 chưa công bố một truy cập hạn chế vào dữ liệu của bạn dù đã"
                + " quá ngày công bố.", "DEMO/GOV/1001/ss2 has not disclosed a restricted access to your data although"
                + " its disclosure date has passed.");
        ExchangeView vi = view(overdue, PortalLanguage.VIETNAMESE);
        assertEquals("overdue", vi.restrictionState());
        assertEquals("✗ Chi tiết lẽ ra phải được công bố vào ngày 31/03/2026 lúc 16:00, nhưng máy chủ chưa công bố.",
                vi.restriction());
    }

    @Test
    void droppingTheStubFromTheAnswer_showsAsALeftOutEvent() {
        provider.append(PortalScenario.event("q-10", LOGGED.plusSeconds(60), "provider", PortalScenario.CITIZEN,
                "tax-assessment"));
        provider.checkpoint(LOGGED.plusSeconds(61), witness);
        provider.hide(1);
        AnswerVerifier.Result result = verify(at(LOGGED), provider.answer(PortalScenario.CITIZEN));
        assertEquals(CitizenEvents.Kind.LEFT_OUT, result.problems().get(0).kind());
    }

    @Test
    void theStubIsTheLeaf_itsInclusionProofLeadsToTheCheckpointedRoot() throws org.xroadng.auditlog.merkle.ProofVerificationException {
        byte[] stub = CanonicalJson.bytes(provider.answer(PortalScenario.CITIZEN).events().get(1).event());
        String text = new String(stub, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("\"commitment\":\"" + restricted.commitment() + "\""), text);
        assertFalse(text.contains("DEMO/GOV/1002/tax") || text.contains("/person/"), text);
        assertEquals(text, new String(provider.tree().entry(1), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, provider.tree().size(), "the log counts the restricted event from the first second");
        ProofVerifier.verifyInclusion(1, 2, MerkleHashes.leafHash(stub), provider.tree().inclusion(1, 2).path(),
                provider.tree().root(2));
    }

    @Test
    void inspectorsReading_shownToTheCitizenAtOnceInBothLanguages() {
        AccessEvent reading = new AccessEvent("r-1", LOGGED.plusSeconds(120), "oversight",
                org.xroadng.protocol.id.MemberId.parse("DEMO/GOV/1001"),
                PortalScenario.POPULATION.service("restrictedAccess"), "GET", "/" + restricted.eventId(), "inspector-lan",
                null, "oversight", List.of(PortalScenario.CITIZEN), "oversight-1", null, "ok");
        provider.append(reading);
        provider.checkpoint(LOGGED.plusSeconds(121), witness);
        AnswerVerifier.Result result = new AnswerVerifier(witness, CosignaturePolicy.NONE, at(LOGGED.plusSeconds(200)))
                .verify(PortalScenario.SS2, new PersonalCode(PortalScenario.CITIZEN), provider.answer(PortalScenario.CITIZEN));
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        ExchangeRow row = ExchangeMerger.merge(result.records()).stream().filter(r -> r.sides().equals(List.of("oversight")))
                .findFirst().orElseThrow();
        assertTrue(row.verified());
        Map<String, String> names = Map.of("DEMO/GOV/1001", "Population Registry");
        java.util.function.Function<String, Optional<String>> memberNames = id -> Optional.ofNullable(
                names.get(String.join("/", java.util.Arrays.asList(id.split("/")).subList(0, 3))));
        ExchangeView en = ExchangeView.of(row, memberNames, MESSAGES, PortalLanguage.ENGLISH, ZONE);
        ExchangeView vi = ExchangeView.of(row, memberNames, MESSAGES, PortalLanguage.VIETNAMESE, ZONE);
        assertEquals("The data protection inspector (inspector-lan) read a restricted record about you kept at"
                + " Population Registry.", en.sentence());
        assertEquals("Thanh tra viên bảo vệ dữ liệu (inspector-lan) đã đọc một bản ghi hạn chế về bạn lưu tại"
                + " Population Registry.", vi.sentence());
        assertEquals("Data protection inspector", en.who());
        assertEquals("Recorded by the security server where the inspector read it.", en.agreementText());
    }

    private AnswerVerifier.Result verify(Clock clock, AccessLogAnswer answer) {
        return new AnswerVerifier(witness, clock).verify(PortalScenario.SS2, new PersonalCode(PortalScenario.CITIZEN),
                answer);
    }

    private AccessLogAnswer revealed(Map<String, Object> event, byte[] withSalt) {
        AccessLogAnswer plain = provider.answer(PortalScenario.CITIZEN);
        List<AccessLogAnswer.Entry> entries = new ArrayList<>();
        for (AccessLogAnswer.Entry e : plain.events()) {
            entries.add(e.index() != 1 ? e : new AccessLogAnswer.Entry(e.index(), e.event(), e.proof(),
                    new AccessLogAnswer.Reveal(Base64.getUrlEncoder().withoutPadding().encodeToString(withSalt), event)));
        }
        return new AccessLogAnswer(plain.server(), plain.subject(), plain.checkpoint(), plain.checkpointTimestamp(),
                entries);
    }

    private static SideRecord only(AnswerVerifier.Result result, SideRecord.Status status) {
        List<SideRecord> restricted = result.records().stream().filter(r -> r.restricted() != null).toList();
        assertEquals(1, restricted.size(), result.records().toString());
        assertEquals(status, restricted.get(0).restricted().status());
        return restricted.get(0);
    }

    private static ExchangeView view(AnswerVerifier.Result result, java.util.Locale language) {
        ExchangeRow row = ExchangeMerger.merge(result.records()).stream().filter(r -> r.restricted() != null)
                .findFirst().orElseThrow();
        return ExchangeView.of(row, id -> Optional.empty(), MESSAGES, language, ZONE);
    }

    private static void assertFlagged(AnswerVerifier.Result result, String vi, String en) {
        CitizenEvents.Problem problem = result.problems().get(0);
        assertTrue(PageNotice.of(problem, MESSAGES, PortalLanguage.VIETNAMESE).sentence().startsWith(vi),
                PageNotice.of(problem, MESSAGES, PortalLanguage.VIETNAMESE).sentence());
        assertTrue(PageNotice.of(problem, MESSAGES, PortalLanguage.ENGLISH).sentence().startsWith(en),
                PageNotice.of(problem, MESSAGES, PortalLanguage.ENGLISH).sentence());
        ExchangeView view = view(result, PortalLanguage.ENGLISH);
        assertFalse(view.verified());
        assertEquals("failed", view.outcome());
        assertEquals("\u2717 Restricted, not disclosed as promised", view.badge());
    }

    private static Clock at(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static byte[] salt() {
        byte[] salt = new byte[32];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 7 + 3);
        }
        return salt;
    }
}
