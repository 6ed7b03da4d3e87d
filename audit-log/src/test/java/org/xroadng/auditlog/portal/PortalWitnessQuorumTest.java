package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointException;
import org.xroadng.auditlog.witness.AddCheckpointRequest;
import org.xroadng.auditlog.witness.CosignaturePolicy;
import org.xroadng.auditlog.witness.FollowedLog;
import org.xroadng.auditlog.witness.FollowedLogs;
import org.xroadng.auditlog.witness.SplitView;
import org.xroadng.auditlog.witness.TlogWitness;
import org.xroadng.auditlog.witness.WitnessListener;
import org.xroadng.protocol.store.Database;

/**
 * The portal relies on a server's records only against a checkpoint that a quorum (2 of 3) of the
 * witnesses it trusts cosigned: the registry's, an ombudsman's and a university's, each a real
 * {@link TlogWitness} with its own database.
 */
class PortalWitnessQuorumTest {

    private static final Instant NOW = PortalScenario.T0.plus(Duration.ofHours(5));
    private static final String[] NAMES = {"registry.demo/witness", "ombudsman.demo/witness", "university.demo/witness"};

    @TempDir
    Path dir;

    private final List<Database> databases = new ArrayList<>();
    private final List<TlogWitness> witnesses = new ArrayList<>();
    private final List<Cosigner> cosigners = new ArrayList<>();
    private NoteSigner serverKey;
    private TestServerLog provider;
    private final TestServerLog.StandInWitness registry = new TestServerLog.StandInWitness();
    private AnswerVerifier verifier;

    @BeforeEach
    void start() throws NoteFormatException, NoSuchAlgorithmException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(19);
        serverKey = NoteSigner.generate(AccessLogOrigin.of(PortalScenario.SS2), random);
        FollowedLogs logs = new FollowedLogs(List.of(new FollowedLog(AccessLogOrigin.of(PortalScenario.SS2),
                List.of(serverKey.verifierKey()))));
        for (String name : NAMES) {
            Cosigner cosigner = Cosigner.generate(name, random);
            Database database = Database.open(dir.resolve(name.substring(0, name.indexOf('.'))), "witness");
            databases.add(database);
            cosigners.add(cosigner);
            witnesses.add(new TlogWitness(database, cosigner, logs, Clock.fixed(NOW, ZoneOffset.UTC),
                    WitnessListener.NONE));
        }
        verifier = new AnswerVerifier(registry, new CosignaturePolicy(cosigners.stream().map(Cosigner::verifierKey)
                .toList(), 2), Clock.fixed(NOW, ZoneOffset.UTC));
        provider = history("q-1", "q-2");
    }

    @AfterEach
    void close() {
        databases.forEach(Database::close);
    }

    /** The provider's log holding one event about the citizen per query id. */
    private static TestServerLog history(String... queryIds) {
        TestServerLog log = new TestServerLog(PortalScenario.SS2);
        Instant time = PortalScenario.T0;
        for (String queryId : queryIds) {
            log.append(PortalScenario.event(queryId, time, "provider", PortalScenario.CITIZEN, "tax-assessment"));
            time = time.plus(Duration.ofHours(1));
        }
        return log;
    }

    /** Checkpoints {@code log} at the registry and has the witnesses numbered {@code up} cosign its note. */
    private SignedNote publish(TestServerLog log, int... up) throws NoteFormatException, AddCheckpointException {
        log.checkpoint(NOW, registry, serverKey.verifierKey().format());
        long size = log.tree().size();
        SignedNote note = serverKey.signNote(new Checkpoint(AccessLogOrigin.of(PortalScenario.SS2), size,
                log.tree().root(size)).text());
        List<NoteSignature> cosignatures = new ArrayList<>();
        for (int i : up) {
            cosignatures.addAll(witnesses.get(i).addCheckpoint(new AddCheckpointRequest(0, List.of(), note)));
        }
        return note.withSignatures(cosignatures);
    }

    private AnswerVerifier.Result verify(TestServerLog log, SignedNote note) {
        return verifier.verify(PortalScenario.SS2, new PersonalCode(PortalScenario.CITIZEN),
                log.answer(PortalScenario.CITIZEN, note == null ? null : note.format()));
    }

    @Test
    void allThreeWitnessesUp_recordsVerify() throws NoteFormatException, AddCheckpointException {
        AnswerVerifier.Result result = verify(provider, publish(provider, 0, 1, 2));
        assertEquals(2, result.records().size());
        assertTrue(result.records().stream().allMatch(SideRecord::verified), result.records().toString());
    }

    @Test
    void oneWitnessDown_theOtherTwoStillVouch() throws NoteFormatException, AddCheckpointException {
        AnswerVerifier.Result result = verify(provider, publish(provider, 0, 2));
        assertTrue(result.records().stream().allMatch(SideRecord::verified), result.records().toString());
        for (SideRecord record : result.records()) {
            assertEquals(java.util.Set.of(NAMES[0], NAMES[2]), record.vouching().vouched().keySet());
            assertEquals(java.util.Map.of(NAMES[1], CosignaturePolicy.Missing.NO_COSIGNATURE),
                    record.vouching().missing());
        }
    }

    @Test
    void noPolicy_recordsCarryNoWitnessVerdict() throws NoteFormatException, AddCheckpointException {
        AnswerVerifier.Result result = new AnswerVerifier(registry, Clock.fixed(NOW, ZoneOffset.UTC)).verify(PortalScenario.SS2,
                new PersonalCode(PortalScenario.CITIZEN), provider.answer(PortalScenario.CITIZEN,
                        publish(provider, 0).format()));
        assertTrue(result.records().stream().allMatch(r -> r.verified() && r.vouching() == null),
                result.records().toString());
    }

    @Test
    void twoWitnessesDown_recordsAreNotYetVouchedForAndTheMissingAreNamed()
            throws NoteFormatException, AddCheckpointException {
        AnswerVerifier.Result result = verify(provider, publish(provider, 0));
        for (SideRecord record : result.records()) {
            assertFalse(record.verified());
            assertEquals(AnswerVerifier.NOT_VOUCHED + ": 1 of the 2 witness cosignatures required; vouched:"
                    + " registry.demo/witness; missing: ombudsman.demo/witness (no cosignature),"
                    + " university.demo/witness (no cosignature)", record.reason());
            assertEquals(1, record.vouching().vouched().size());
            assertFalse(record.vouching().met());
            assertEquals(java.util.Map.of(NAMES[1], CosignaturePolicy.Missing.NO_COSIGNATURE, NAMES[2],
                    CosignaturePolicy.Missing.NO_COSIGNATURE), record.vouching().missing());
        }
    }

    @Test
    void noteMissingOrForgedCosignature_isRefused() throws NoteFormatException, AddCheckpointException {
        assertTrue(verify(provider, null).records().stream().noneMatch(SideRecord::verified));
        SignedNote note = publish(provider, 0, 1);
        // a cosignature line of the ombudsman's key copied onto another checkpoint does not count
        SignedNote other = serverKey.signNote(new Checkpoint(AccessLogOrigin.of(PortalScenario.SS2), 1,
                provider.tree().root(1)).text());
        NoteSignature copied = witnesses.get(2).addCheckpoint(new AddCheckpointRequest(0, List.of(), other)).get(0);
        SignedNote forged = note.withSignatures(List.of(copied));
        AnswerVerifier.Result result = verify(provider, forged);
        assertTrue(result.records().stream().allMatch(SideRecord::verified), "registry and ombudsman still vouch");
        SignedNote onlyForged = SignedNote.parse(note.text() + "\n" + note.signatures().get(0).line()
                + note.signatures().get(1).line() + copied.line());
        for (SideRecord record : verify(provider, onlyForged).records()) {
            assertFalse(record.verified());
            assertTrue(record.reason().contains("university.demo/witness (cosignature does not verify)"),
                    record.reason());
        }
    }

    @Test
    void noteOfAnotherTree_isRefusedEvenWithCosignatures() throws NoteFormatException, AddCheckpointException {
        SignedNote note = publish(provider, 0, 1, 2);
        TestServerLog longer = history("q-1", "q-2", "q-3");
        longer.checkpoint(NOW, registry, serverKey.verifierKey().format());
        for (SideRecord record : verify(longer, note).records()) {
            assertFalse(record.verified());
            assertTrue(record.reason().contains("not the access log of DEMO/GOV/1001/ss2 at size 3"), record.reason());
        }
    }

    @Test
    void splitView_isCaughtByTheWitnessesAndRefusedByThePortal() throws NoteFormatException, AddCheckpointException {
        // the server shows the registry and the ombudsman one history...
        SignedNote shown = publish(provider, 0, 1);
        assertTrue(verify(provider, shown).records().stream().allMatch(SideRecord::verified));
        // ...and the citizen another of the same size, with an event dropped and another put in its place,
        // which the university (who never saw the first) cosigns; the registry's JWS witness colludes
        TestServerLog rewritten = history("q-1", "q-2-altered");
        SignedNote hidden = publish(rewritten, 2);
        for (SideRecord record : verify(rewritten, hidden).records()) {
            assertFalse(record.verified(), "one cosignature is no quorum");
            assertTrue(record.reason().contains("missing: ombudsman.demo/witness (no cosignature),"
                    + " registry.demo/witness (no cosignature)"), record.reason());
        }
        // seeking the ombudsman's cosignature on it is refused, and the ombudsman keeps both signed checkpoints
        SignedNote bare = SignedNote.parse(hidden.text() + "\n" + hidden.signatures().get(0).line());
        AddCheckpointException e = assertThrows(AddCheckpointException.class, () -> witnesses.get(1).addCheckpoint(
                new AddCheckpointRequest(2, List.of(), bare)));
        assertEquals(AddCheckpointException.Reason.ROOT_CONFLICT, e.reason());
        List<SplitView> proof = witnesses.get(1).splitViews();
        assertEquals(1, proof.size());
        assertEquals(shown.text(), proof.get(0).cosigned().text());
        assertEquals(bare, proof.get(0).conflicting());
    }
    @Test
    void policyOfTheGlobalConfiguration_isAppliedAsPublished() throws NoteFormatException, AddCheckpointException {
        List<org.xroadng.protocol.globalconf.GlobalConfiguration.TransparencyWitness> listed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            listed.add(new org.xroadng.protocol.globalconf.GlobalConfiguration.TransparencyWitness(NAMES[i],
                    "http://127.0.0.1:" + (9000 + i), cosigners.get(i).verifierKey().format()));
        }
        org.xroadng.protocol.globalconf.GlobalConfiguration.Transparency[] published = {
                new org.xroadng.protocol.globalconf.GlobalConfiguration.Transparency(listed, 3)};
        verifier = new AnswerVerifier(registry, () -> CosignaturePolicy.of(published[0]), Clock.fixed(NOW, ZoneOffset.UTC));
        SignedNote twoOfThree = publish(provider, 0, 1);
        assertTrue(verify(provider, twoOfThree).records().stream().noneMatch(SideRecord::verified), "3 of 3 required");
        published[0] = new org.xroadng.protocol.globalconf.GlobalConfiguration.Transparency(listed, 2);
        assertTrue(verify(provider, twoOfThree).records().stream().allMatch(SideRecord::verified), "2 of 3 now");
    }
}
