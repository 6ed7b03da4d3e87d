package org.xroadng.securityserver.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.auditlog.merkle.store.H2MerkleLog;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.FaultyDisk;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.log.FlushCountingMerkleLog;

/**
 * The publisher alone, with a recording signer and witness: what it submits, in which order, and
 * what it does when the log, the disk or the witness misbehave. (AccessLogServiceTest runs it
 * against real signatures, timestamps and the witness's checks.)
 */
class CheckpointPublisherTest {

    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    private final FlushCountingMerkleLog log = new FlushCountingMerkleLog();
    private final List<Checkpoint> signed = new ArrayList<>();
    private final List<Integer> flushesWhenSigned = new ArrayList<>();
    private final RecordingWitness witness = new RecordingWitness();
    private final CheckpointPublisher publisher = new CheckpointPublisher(SERVER, log, checkpoint -> {
        signed.add(checkpoint);
        flushesWhenSigned.add(log.syncs());
        return new CheckpointSigner.Signed("jws-" + checkpoint.size() + "-" + checkpoint.rootHash(), "tst");
    }, witness, Clock.fixed(NOW, ZoneOffset.UTC));

    /** Accepts whatever it is sent (or refuses everything while {@link #refusal} is set). */
    private static final class RecordingWitness implements Witness {
        final List<CheckpointSubmission> submissions = new ArrayList<>();
        WitnessedCheckpoint held;
        WitnessException refusal;

        @Override
        public Optional<WitnessedCheckpoint> latest(SecurityServerId server) {
            return Optional.ofNullable(held);
        }

        @Override
        public Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) {
            return Optional.ofNullable(held).filter(c -> c.size() == size);
        }

        @Override
        public WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException {
            if (refusal != null) {
                throw refusal;
            }
            submissions.add(submission);
            String[] parts = submission.checkpoint().split("-", 3);
            held = new WitnessedCheckpoint(submission.checkpoint(), submission.timestamp(), Long.parseLong(parts[1]),
                    parts[2], NOW);
            return held;
        }
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            log.append(("event " + log.size()).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anotherNodesTurn_signsAndSubmitsNothing_andFollowsWhatTheWitnessHolds() throws CheckpointException {
        boolean[] mine = {false};
        CheckpointPublisher node = new CheckpointPublisher(SERVER, log, checkpoint -> {
            signed.add(checkpoint);
            return new CheckpointSigner.Signed("jws-" + checkpoint.size() + "-" + checkpoint.rootHash(), "tst");
        }, witness, Clock.fixed(NOW, ZoneOffset.UTC), () -> mine[0]);
        append(3);
        String root = Checkpoint.encodeHash(log.root(2));
        witness.held = new WitnessedCheckpoint("jws-2-" + root, "tst", 2, root, NOW);

        assertEquals(2, node.publish().orElseThrow().size(), "the publishing node's checkpoint, as the witness holds it");
        assertTrue(signed.isEmpty() && witness.submissions.isEmpty(), "nothing signed or sent");

        mine[0] = true;
        assertEquals(3, node.publish().orElseThrow().size(), "its turn: it publishes from the witnessed size");
        assertEquals(2, witness.submissions.get(0).fromSize());
    }

    @Test
    void firstCheckpoint_flushedBeforeSigned_submittedFromZero() throws CheckpointException {
        append(3);

        WitnessedCheckpoint latest = publisher.publish().orElseThrow();

        assertEquals(3, latest.size());
        assertEquals(List.of(1), flushesWhenSigned, "the events were forced to disk before the root was signed");
        Checkpoint checkpoint = signed.get(0);
        assertEquals(SERVER, checkpoint.origin());
        assertEquals(Checkpoint.encodeHash(log.root(3)), checkpoint.rootHash());
        assertEquals(NOW, checkpoint.time());
        assertEquals(0, witness.submissions.get(0).fromSize());
        assertEquals(List.of(), witness.submissions.get(0).consistency());
    }

    @Test
    void laterCheckpoint_carriesAConsistencyProofFromTheWitnessedSize() throws CheckpointException, ProofVerificationException {
        append(3);
        publisher.publish();
        byte[] oldRoot = log.root(3);
        append(4);

        publisher.publish();

        CheckpointSubmission second = witness.submissions.get(1);
        assertEquals(3, second.fromSize());
        List<byte[]> proof = second.consistency().stream().map(h -> Checkpoint.decodeHash(h, "proof")).toList();
        ProofVerifier.verifyConsistency(3, 7, oldRoot, log.root(7), proof);
        assertEquals(List.of(1, 2), flushesWhenSigned);
    }

    @Test
    void nothingNew_nothingSignedNorFlushed() throws CheckpointException {
        assertTrue(publisher.publish().isEmpty(), "an empty log has no checkpoint");
        append(2);
        publisher.publish();

        publisher.publish();

        assertEquals(1, signed.size());
        assertEquals(1, log.syncs());
    }

    @Test
    void flushFails_nothingSignedNorSubmitted_failureReported() {
        append(2);
        log.failFlushes();

        publisher.publishQuietly();

        assertEquals(List.of(), signed, "a root that may not survive a power loss is never signed");
        assertEquals(List.of(), witness.submissions);
        assertTrue(publisher.status().lastFailure().contains("disk full"), publisher.status().lastFailure());
        assertNull(publisher.status().witnessedSize());
    }

    @Test
    void diskFullLosesABatch_neverSignedAndTheNextCheckpointExtendsTheWitnessedOne(@TempDir Path dir)
            throws CheckpointException, ProofVerificationException {
        FaultyDisk disk = FaultyDisk.at(dir);
        try (Database db = Database.open(disk.jdbcUrl("accesslog", ""), H2MerkleLog.DATABASE_NAME)) {
            H2MerkleLog stored = H2MerkleLog.open(db);
            CheckpointPublisher onDisk = new CheckpointPublisher(SERVER, stored, checkpoint -> {
                signed.add(checkpoint);
                return new CheckpointSigner.Signed("jws-" + checkpoint.size() + "-" + checkpoint.rootHash(), "tst");
            }, witness, Clock.fixed(NOW, ZoneOffset.UTC));
            appendTo(stored, 3);
            assertEquals(3, onDisk.publish().orElseThrow().size());
            byte[] witnessedRoot = stored.root(3);

            disk.full(true);
            appendTo(stored, 2); // committed in H2's memory; the disk cannot take it
            onDisk.publishQuietly();
            assertEquals(1, signed.size(), "nothing signed over events the disk may not hold");
            assertTrue(onDisk.status().lastFailure() != null);

            disk.full(false);
            appendTo(stored, 1);
            WitnessedCheckpoint next = onDisk.publish().orElseThrow();

            long size = next.size();
            assertEquals(stored.durableSize(), size);
            assertTrue(size == 4 || size == 6, "the lost batch is either wholly there or wholly gone: " + size);
            CheckpointSubmission last = witness.submissions.get(witness.submissions.size() - 1);
            List<byte[]> proof = last.consistency().stream().map(h -> Checkpoint.decodeHash(h, "proof")).toList();
            ProofVerifier.verifyConsistency(3, size, witnessedRoot, stored.root(size), proof);
        }
    }

    private static void appendTo(H2MerkleLog stored, int count) {
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(("event " + stored.size() + "+" + i).getBytes(StandardCharsets.UTF_8));
        }
        stored.appendAll(entries);
    }

    @Test
    void logShorterThanWitnessed_refusedAsRemovedEvents() {
        append(2);
        witness.held = new WitnessedCheckpoint("jws", "tst", 5, Checkpoint.encodeHash(log.root()), NOW);

        CheckpointException e = assertThrows(CheckpointException.class, publisher::publish);

        assertTrue(e.getMessage().contains("witness holds a checkpoint of 5 events")
                && e.getMessage().contains("only 2"), e.getMessage());
        assertEquals(List.of(), signed);
    }

    @Test
    void witnessRefuses_reportedAsRefusal_thenPublishedOnceItAccepts() throws CheckpointException {
        append(2);
        witness.refusal = WitnessException.refused("history is inconsistent", 409);

        CheckpointException e = assertThrows(CheckpointException.class, publisher::publish);
        assertTrue(e.getMessage().startsWith("the witness refused the checkpoint: history is inconsistent"),
                e.getMessage());

        witness.refusal = null;
        assertEquals(2, publisher.publish().orElseThrow().size());
        assertNull(publisher.status().lastFailure());
    }
}
