package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.witness.CosignaturePolicy;

/** Rows in plain words: each outcome and verification state as a sentence, dates dd/MM/yyyy in the viewer's zone. */
class ExchangeViewTest {

    private static final PortalMessages MESSAGES = PortalMessages.load();
    private static final Function<String, Optional<String>> NAMES = id -> Optional.ofNullable(Map.of(
            "DEMO/COM/2001/loans", "Demo Bank", "DEMO/GOV/1001/population/person", "Population Registry").get(id));
    private static final ZoneId HO_CHI_MINH = ZoneId.of("Asia/Ho_Chi_Minh");

    @Test
    void refusedAttempt_isARefusedSentenceInEitherLanguageWithoutTheWireCode() {
        ExchangeRow row = row("refused Server.ServerProxy.AccessDenied", List.of("consumer"), true, null, List.of());

        ExchangeView vi = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.VIETNAMESE, HO_CHI_MINH);
        ExchangeView en = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);

        assertEquals("refused", vi.outcome());
        assertEquals("Demo Bank đã tìm cách đọc hồ sơ của bạn tại Population Registry và bị từ chối: không có quyền.",
                vi.sentence());
        assertEquals("✗ Bị từ chối", vi.badge());
        assertEquals("Demo Bank tried to read your record at Population Registry and was refused: it has no permission.",
                en.sentence());
        assertEquals("", en.technicalCode());
        assertTrue(en.agreementText().contains("refused before giving any data"), en.agreementText());
    }

    @Test
    void date_isDayMonthYearInTheViewersZone() {
        ExchangeRow row = row("ok", List.of("consumer", "provider"), true, true, List.of());

        ExchangeView hcm = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.VIETNAMESE, HO_CHI_MINH);
        ExchangeView utc = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.VIETNAMESE, ZoneOffset.UTC);

        assertEquals("01/03/2026", hcm.date());
        assertEquals("06:30", hcm.time());
        assertEquals("28/02/2026", utc.date());
        assertEquals("23:30", utc.time());
        assertEquals("Demo Bank đã đọc hồ sơ của bạn tại Population Registry.", hcm.sentence());
        assertEquals("✓ Cả hai cơ quan đều đã ghi lại, và hai bản ghi khớp nhau.", hcm.agreementText());
    }

    @Test
    void otherOutcomesAndStates_havePlainSentences() {
        ExchangeView failed = ExchangeView.of(row("error 503", List.of("consumer", "provider"), false, false,
                List.of("purpose", "outcome")), NAMES, MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);
        assertEquals("failed", failed.outcome());
        assertEquals("Demo Bank asked Population Registry for your record, but the request failed (error 503).",
                failed.sentence());
        assertEquals("✗ The two agencies' records differ in: purpose, result.", failed.agreementText());
        assertTrue(failed.verifiedText().startsWith("✗ not verified"), failed.verifiedText());

        ExchangeView unexplained = ExchangeView.of(row("refused Server.ServerProxy.DigestMismatch", List.of("provider"),
                true, null, List.of()), NAMES, MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);
        assertEquals("Demo Bank tried to read your record at Population Registry and was refused.",
                unexplained.sentence());
        assertEquals("Server.ServerProxy.DigestMismatch", unexplained.technicalCode());
        assertTrue(unexplained.agreementText().startsWith("Recorded by the answering agency"));

        ExchangeView unnamed = ExchangeView.of(row("ok", List.of("consumer"), true, null, List.of()),
                id -> Optional.empty(), MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);
        assertEquals("DEMO/COM/2001/loans read your record at DEMO/GOV/1001/population.", unnamed.sentence());
        assertEquals("Only the asking agency recorded it.", unnamed.agreementText());
        assertEquals("official clerk-2", unnamed.whoDetail());
    }

    @Test
    void witnessesOfEachSide_areNamedWithWhoDidNotVouchAndWhyInEitherLanguage() {
        CosignaturePolicy.Verdict vouched = new CosignaturePolicy.Verdict(Map.of("DEMO/registry-witness",
                Instant.EPOCH, "ombudsman.demo.example/witness", Instant.EPOCH),
                Map.of("university.demo.example/witness", CosignaturePolicy.Missing.NO_COSIGNATURE), 2);
        CosignaturePolicy.Verdict notVouched = new CosignaturePolicy.Verdict(Map.of("DEMO/registry-witness",
                Instant.EPOCH), Map.of("ombudsman.demo.example/witness", CosignaturePolicy.Missing.NO_COSIGNATURE,
                "university.demo.example/witness", CosignaturePolicy.Missing.COSIGNATURE_INVALID), 2);
        SideRecord consumer = side("consumer", PortalScenario.SS1, true, null, vouched);
        SideRecord provider = side("provider", PortalScenario.SS2, false, AnswerVerifier.NOT_VOUCHED + ": 1 of the 2",
                notVouched);
        ExchangeRow row = new ExchangeRow(consumer.time(), consumer.client(), consumer.service(), "GET", "/", null,
                null, "tax-assessment", "ok", "q-9", List.of("consumer", "provider"), false, true, List.of(),
                List.of("provider record at " + PortalScenario.SS2.format() + ": " + provider.reason()),
                List.of(consumer, provider));

        ExchangeView en = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);
        ExchangeView vi = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.VIETNAMESE, HO_CHI_MINH);

        assertEquals(List.of("The answering agency's record (server " + PortalScenario.SS2.format() + ") is not"
                + " verified yet: only 1 of the 2 witness countersignatures required are on its checkpoint."),
                en.reasons());
        assertEquals(List.of("Bản ghi của cơ quan cung cấp (máy chủ " + PortalScenario.SS2.format() + ") chưa được"
                + " xác minh: điểm kiểm tra của bản ghi mới có 1 trên 2 chữ ký xác nhận cần thiết của các bên chứng"
                + " kiến."), vi.reasons());
        assertEquals(List.of(
                "The asking agency's record (server " + PortalScenario.SS1.format() + "): 2 of the 2 witness"
                        + " countersignatures required are on its checkpoint.",
                "✓ DEMO/registry-witness vouched for it: it countersigned the checkpoint.",
                "✓ ombudsman.demo.example/witness vouched for it: it countersigned the checkpoint.",
                "✗ university.demo.example/witness did not vouch for it: its countersignature is not on the"
                        + " checkpoint (the witness may be unreachable, or has not seen this checkpoint yet).",
                "The answering agency's record (server " + PortalScenario.SS2.format() + "): 1 of the 2 witness"
                        + " countersignatures required are on its checkpoint.",
                "✓ DEMO/registry-witness vouched for it: it countersigned the checkpoint.",
                "✗ ombudsman.demo.example/witness did not vouch for it: its countersignature is not on the"
                        + " checkpoint (the witness may be unreachable, or has not seen this checkpoint yet).",
                "✗ university.demo.example/witness did not vouch for it: the countersignature in its name does not"
                        + " verify, so it may be forged."), en.witnesses());
        assertEquals(8, vi.witnesses().size(), vi.witnesses().toString());
        assertEquals("✗ university.demo.example/witness chưa bảo chứng: chữ ký xác nhận mang tên bên này không hợp"
                + " lệ, nên có thể đã bị giả mạo.", vi.witnesses().get(7));
    }

    @Test
    void noQuorumRequired_listsNoWitnessesAndKeepsTheTechnicalReason() {
        SideRecord provider = side("provider", PortalScenario.SS2, false, AnswerVerifier.NOT_CHECKPOINTED, null);
        ExchangeRow row = new ExchangeRow(provider.time(), provider.client(), provider.service(), "GET", "/", null,
                null, "tax-assessment", "ok", "q-9", List.of("provider"), false, null, List.of(), List.of(),
                List.of(provider));

        ExchangeView en = ExchangeView.of(row, NAMES, MESSAGES, PortalLanguage.ENGLISH, HO_CHI_MINH);

        assertEquals(List.of(), en.witnesses());
        assertEquals(List.of("provider record at " + PortalScenario.SS2.format() + ": "
                + AnswerVerifier.NOT_CHECKPOINTED), en.reasons());
    }

    private static SideRecord side(String side, org.xroadng.protocol.id.SecurityServerId server, boolean verified,
                                   String reason, CosignaturePolicy.Verdict vouching) {
        return new SideRecord(server, side, "e-" + side, Instant.parse("2026-02-28T23:30:00Z"), "DEMO/GOV/1002/tax",
                "DEMO/GOV/1001/population/person", "GET", "/", null, null, "tax-assessment", "q-9", null, "ok",
                verified, reason, vouching);
    }

    private static ExchangeRow row(String outcome, List<String> sides, boolean verified, Boolean agree,
                                   List<String> differences) {
        return new ExchangeRow(Instant.parse("2026-02-28T23:30:00.123456789Z"), "DEMO/COM/2001/loans",
                "DEMO/GOV/1001/population/person", "GET", "/person/EE38001010001", "clerk-2", null, "loan-check",
                outcome, "q-4", sides, verified, agree, differences,
                verified ? List.of() : List.of("consumer record at DEMO/COM/2001/ss3: no witnessed checkpoint"), List.of());
    }
}
