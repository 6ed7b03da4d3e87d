package org.xroadng.auditlog.witness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointException.Reason;
import org.xroadng.protocol.store.Database;

class TlogWitnessTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path dir;

    private Database database;
    private TestLog log;
    private Cosigner cosigner;
    private TlogWitness witness;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void open() throws NoteFormatException {
        database = Database.open(dir.resolve("witness"), "witness");
        log = new TestLog("DEMO/GOV/1001/ss1/access-log", 1);
        cosigner = Cosigner.generate("witness.example.org/w1", TestLog.deterministic(2));
        witness = new TlogWitness(database, cosigner, new FollowedLogs(List.of(log.followed())),
                Clock.fixed(NOW, ZoneOffset.UTC), new WitnessListener() {
                    @Override
                    public void cosigned(String origin, long size) {
                        events.add("cosigned " + size);
                    }

                    @Override
                    public void refused(Reason reason) {
                        events.add("refused " + reason);
                    }

                    @Override
                    public void splitView(SplitView proof) {
                        events.add("split view " + proof.size());
                    }
                });
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void firstAndLaterCheckpoints_areCosignedAndStored()
            throws NoteFormatException, AddCheckpointException, NoteVerificationException {
        log.grow(5);
        List<NoteSignature> first = witness.addCheckpoint(log.request(0, 5));
        SignedNote cosigned = log.checkpoint(5).withSignatures(first);
        assertEquals(Optional.of(NOW), Cosignatures.verify(cosigned, cosigner.verifierKey()));

        log.grow(8);
        List<NoteSignature> second = witness.addCheckpoint(log.request(5, 13));
        assertEquals(Optional.of(NOW), Cosignatures.verify(log.checkpoint(13).withSignatures(second),
                cosigner.verifierKey()));

        SignedNote latest = witness.latest(log.origin).orElseThrow();
        assertEquals(13, Checkpoint.parse(latest.text()).size());
        assertEquals(Optional.of(NOW), Cosignatures.verify(latest, cosigner.verifierKey()));
        assertEquals(List.of("cosigned 5", "cosigned 13"), events);
    }

    @Test
    void sameCheckpointAgain_isCosignedAgain() throws NoteFormatException, AddCheckpointException {
        log.grow(3);
        witness.addCheckpoint(log.request(0, 3));
        assertEquals(1, witness.addCheckpoint(log.request(3, 3)).size());
        assertEquals(3, sizeHeld());
    }

    @Test
    void emptyTree_isCosignedFromZero() throws NoteFormatException, AddCheckpointException {
        assertEquals(1, witness.addCheckpoint(log.request(0, 0)).size());
        assertEquals(0, sizeHeld());
    }

    @Test
    void malformedBodies_are400AndStoreNothing() throws NoteFormatException {
        log.grow(2);
        String note = log.checkpoint(2).format();
        for (String body : List.of("", "old 0\n", "old x\n\n" + note, "old 00\n\n" + note, "old 0\nnot-base64!\n\n" + note,
                "old 0\nAAAA\n\n" + note, "old 0\n\nnot a note\n", "old 0\n\n" + note.replace("\n2\n", "\n02\n"),
                "old 0\n\norigin only\n\n" + note.substring(note.lastIndexOf('\u2014')))) {
            AddCheckpointException e = assertThrows(AddCheckpointException.class,
                    () -> witness.addCheckpoint(body.getBytes(StandardCharsets.UTF_8)), body);
            assertEquals(Reason.MALFORMED, e.reason(), body + ": " + e.getMessage());
            assertEquals(400, e.reason().status());
        }
        assertTrue(witness.latest(log.origin).isEmpty());
    }

    @Test
    void oldSizeAboveSize_is400() throws NoteFormatException {
        log.grow(4);
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(4, List.of(), log.checkpoint(2))));
        assertEquals(Reason.MALFORMED, e.reason());
        assertTrue(e.getMessage().contains("expected at most the checkpoint's size 2; actual 4"), e.getMessage());
    }

    @Test
    void proofFromZero_is400() throws NoteFormatException {
        log.grow(4);
        AddCheckpointRequest request = new AddCheckpointRequest(0, log.tree.consistency(2, 4).path(), log.checkpoint(4));
        assertEquals(Reason.MALFORMED, assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(request)).reason());
        assertTrue(witness.latest(log.origin).isEmpty());
    }

    @Test
    void unknownOrigin_is404() throws NoteFormatException {
        TestLog stranger = new TestLog("DEMO/GOV/9999/ss9/access-log", 3);
        stranger.grow(1);
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(stranger.request(0, 1)));
        assertEquals(Reason.UNKNOWN_LOG, e.reason());
        assertEquals(404, e.reason().status());
        assertTrue(witness.latest(stranger.origin).isEmpty());
    }

    @Test
    void checkpointSignedByAnotherKey_is403() throws NoteFormatException {
        log.grow(2);
        NoteSigner impostor = NoteSigner.generate(log.origin, TestLog.deterministic(4));
        SignedNote forged = impostor.signNote(log.checkpoint(2).text());
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(0, List.of(), forged)));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
        assertEquals(403, e.reason().status());
        assertTrue(witness.latest(log.origin).isEmpty());
    }

    @Test
    void trustedKeyWithBrokenSignature_is403() throws NoteFormatException {
        log.grow(2);
        SignedNote good = log.checkpoint(2);
        SignedNote broken = SignedNote.parse(new Checkpoint(log.origin, 2, log.tree.root(1)).text() + "\n"
                + good.signatures().get(0).line());
        assertEquals(Reason.BAD_SIGNATURE, assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(0, List.of(), broken))).reason());
    }

    @Test
    void staleOldSize_is409NamingTheHeldSize() throws NoteFormatException, AddCheckpointException {
        log.grow(6);
        witness.addCheckpoint(log.request(0, 4));
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(log.request(0, 6)));
        assertEquals(Reason.OLD_SIZE_MISMATCH, e.reason());
        assertEquals(409, e.reason().status());
        assertEquals(4, e.currentSize().orElseThrow());
        assertEquals(4, sizeHeld());
    }

    @Test
    void olderCheckpoint_isRefusedAndNothingRollsBack() throws NoteFormatException, AddCheckpointException {
        log.grow(6);
        witness.addCheckpoint(log.request(0, 6));
        // as it was then: old size 0
        assertEquals(Reason.OLD_SIZE_MISMATCH, assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(log.request(0, 3))).reason());
        // claiming the held size as old size: above the checkpoint's size
        assertEquals(Reason.MALFORMED, assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(6, List.of(), log.checkpoint(3)))).reason());
        assertEquals(6, sizeHeld());
    }

    @Test
    void consistencyProofThatFails_is422AndStoresNothing() throws NoteFormatException, AddCheckpointException {
        log.grow(7);
        witness.addCheckpoint(log.request(0, 3));
        List<byte[]> wrong = new ArrayList<>(log.tree.consistency(3, 7).path());
        wrong.set(0, MerkleHashes.leafHash("forged".getBytes(StandardCharsets.UTF_8)));
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(3, wrong, log.checkpoint(7))));
        assertEquals(Reason.BAD_PROOF, e.reason());
        assertEquals(422, e.reason().status());
        assertEquals(3, sizeHeld());

        AddCheckpointException truncated = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(new AddCheckpointRequest(3, wrong.subList(0, 1), log.checkpoint(7))));
        assertEquals(Reason.BAD_PROOF, truncated.reason());
        assertEquals(3, sizeHeld());
    }

    @Test
    void rewrittenHistory_failsTheProofAndStoresNothing() throws NoteFormatException, AddCheckpointException {
        log.grow(4);
        witness.addCheckpoint(log.request(0, 4));
        TestLog fork = new TestLog(log.origin, 1); // same key, another history
        fork.tree.append("rewritten".getBytes(StandardCharsets.UTF_8));
        fork.grow(7);
        assertEquals(Reason.BAD_PROOF, assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(fork.request(4, 8))).reason());
        assertArrayEquals(log.tree.root(4), Checkpoint.parse(witness.latest(log.origin).orElseThrow().text()).rootHash());
    }

    @Test
    void sameSizeOtherRoot_is409AndKeepsBothSignedCheckpointsAsProof()
            throws NoteFormatException, AddCheckpointException {
        log.grow(4);
        witness.addCheckpoint(log.request(0, 4));
        TestLog fork = new TestLog(log.origin, 1);
        fork.grow(3);
        fork.tree.append("hidden".getBytes(StandardCharsets.UTF_8));
        AddCheckpointException e = assertThrows(AddCheckpointException.class,
                () -> witness.addCheckpoint(fork.request(4, 4)));
        assertEquals(Reason.ROOT_CONFLICT, e.reason());
        assertEquals(409, e.reason().status());

        List<SplitView> views = witness.splitViews();
        assertEquals(1, views.size());
        SplitView view = views.get(0);
        assertEquals(log.origin, view.origin());
        assertEquals(4, view.size());
        assertEquals(log.checkpoint(4).text(), view.cosigned().text());
        assertEquals(fork.checkpoint(4), view.conflicting());
        assertEquals(NOW, view.detectedAt());
        assertTrue(events.contains("split view 4"), events.toString());
        assertEquals(4, sizeHeld());
    }

    private long sizeHeld() throws NoteFormatException {
        return Checkpoint.parse(witness.latest(log.origin).orElseThrow().text()).size();
    }
}
