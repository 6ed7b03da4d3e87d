package org.xroadng.auditlog.witness;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.Cosigner;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifier;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointException.Reason;
import org.xroadng.auditlog.witness.WitnessStore.State;
import org.xroadng.protocol.store.Database;

/**
 * A transparency log witness (C2SP tlog-witness, {@code add-checkpoint}), the core that the
 * {@code xroad witness} component and the central registry both serve over HTTP
 * ({@link WitnessEndpoints}).
 *
 * <p>Guarantees, in the order the checks run (each refusal stores nothing, cosigns nothing):
 * <ol>
 *   <li>the body is an old size, at most 63 proof hashes, a blank line and a signed note whose text
 *       is a checkpoint, else 400;
 *   <li>the witness follows the checkpoint's origin, else 404;
 *   <li>a trusted key of that log signed it and no trusted key's signature fails, else 403;
 *   <li>old size is at most the checkpoint's size, else 400;
 *   <li>old size is the size of the latest checkpoint cosigned for the origin (0 if none), else 409
 *       naming that size;
 *   <li>with old size equal to the size, the root is the one cosigned (the empty tree's at 0),
 *       else 409 and, when the witness had cosigned that size, both signed checkpoints are kept as
 *       proof of a split view ({@link #splitViews()});
 *   <li>with old size 0 the proof is empty (400), otherwise the RFC 6962 section 2.1.2 consistency
 *       proof from the cosigned (size, root) to the new one verifies, else 422.
 * </ol>
 * Then the checkpoint and a fresh {@code cosignature/v1} are stored, replacing the previous state
 * by compare-and-set on the size and root the checks used, and the cosignature line is answered.
 * The check and the replacement are atomic (tlog-witness's rollback race cannot happen): in this
 * process one submission is decided at a time, and across processes the compare-and-set refuses a
 * state that moved meanwhile (answered 409 with the new size). Thread-safe.
 */
public final class TlogWitness {

    private final Database database;
    private final Cosigner cosigner;
    private final LogDirectory logs;
    private final Clock clock;
    private final WitnessListener listener;
    private final Object decisionLock = new Object();

    public TlogWitness(Database database, Cosigner cosigner, LogDirectory logs, Clock clock, WitnessListener listener) {
        this.database = Objects.requireNonNull(database, "database");
        this.cosigner = Objects.requireNonNull(cosigner, "cosigner");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The witness's cosigning key, as clients configure it. */
    public NoteVerifierKey verifierKey() {
        return cosigner.verifierKey();
    }

    /** Decides an add-checkpoint request body; returns this witness's cosignature line(s). */
    public List<NoteSignature> addCheckpoint(byte[] body) throws AddCheckpointException {
        try {
            return decide(AddCheckpointRequest.parse(body));
        } catch (AddCheckpointException e) {
            listener.refused(e.reason());
            throw e;
        }
    }

    /** Decides a parsed request. */
    public List<NoteSignature> addCheckpoint(AddCheckpointRequest request) throws AddCheckpointException {
        try {
            return decide(request);
        } catch (AddCheckpointException e) {
            listener.refused(e.reason());
            throw e;
        }
    }

    /** The latest checkpoint cosigned for {@code origin}: the note as submitted plus this witness's cosignature. */
    public Optional<SignedNote> latest(String origin) {
        return database.inTransaction(c -> WitnessStore.state(c, origin)).map(State::note);
    }

    /** Every split view detected, oldest first. */
    public List<SplitView> splitViews() {
        return database.inTransaction(WitnessStore::splitViews);
    }

    private List<NoteSignature> decide(AddCheckpointRequest request) throws AddCheckpointException {
        SignedNote note = request.checkpoint();
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(note.text());
        } catch (NoteFormatException e) {
            throw new AddCheckpointException(Reason.MALFORMED, "checkpoint: " + e.getMessage());
        }
        String origin = checkpoint.origin();
        FollowedLog log = logs.find(origin).orElseThrow(() -> new AddCheckpointException(Reason.UNKNOWN_LOG,
                "checkpoint origin: expected a log this witness follows; actual '" + origin + "', which it does not"));
        try {
            NoteVerifier.verify(note, log.keys());
        } catch (NoteVerificationException e) {
            throw new AddCheckpointException(Reason.BAD_SIGNATURE, "checkpoint of " + origin + ": " + e.getMessage());
        }
        long size = checkpoint.size();
        long oldSize = request.oldSize();
        if (oldSize > size) {
            throw new AddCheckpointException(Reason.MALFORMED, "old size: expected at most the checkpoint's size "
                    + size + "; actual " + oldSize);
        }
        synchronized (decisionLock) {
            Optional<State> state = database.inTransaction(c -> WitnessStore.state(c, origin));
            long held = state.map(State::size).orElse(0L);
            if (oldSize != held) {
                throw AddCheckpointException.oldSizeMismatch("old size: expected " + held + ", the size of the latest"
                        + " checkpoint this witness cosigned for " + origin + "; actual " + oldSize, held);
            }
            byte[] heldRoot = state.map(State::rootHash).orElse(MerkleHashes.emptyRoot());
            if (oldSize == size) {
                if (!Arrays.equals(heldRoot, checkpoint.rootHash())) {
                    state.ifPresent(s -> recordSplitView(origin, size, s.note(), note));
                    throw new AddCheckpointException(Reason.ROOT_CONFLICT, "checkpoint of " + origin + " at size "
                            + size + ": expected root " + b64(heldRoot) + ", the one this witness "
                            + (state.isPresent() ? "cosigned" : "knows for the empty tree") + "; actual root "
                            + b64(checkpoint.rootHash()));
                }
            } else if (oldSize == 0) {
                if (!request.proof().isEmpty()) {
                    throw new AddCheckpointException(Reason.MALFORMED, "consistency proof: expected none from old size"
                            + " 0; actual " + request.proof().size() + " hashes");
                }
            } else {
                try {
                    ProofVerifier.verifyConsistency(oldSize, size, heldRoot, checkpoint.rootHash(), request.proof());
                } catch (ProofVerificationException e) {
                    throw new AddCheckpointException(Reason.BAD_PROOF, "consistency proof from size " + oldSize
                            + " (root " + b64(heldRoot) + ") to " + size + " (root " + b64(checkpoint.rootHash())
                            + "): expected an RFC 6962 proof that verifies; actual " + e.getMessage());
                }
            }
            Instant now = clock.instant();
            NoteSignature cosignature;
            SignedNote stored;
            try {
                cosignature = cosigner.cosign(note.text(), now);
                stored = withoutOurCosignatures(note).withSignatures(List.of(cosignature));
            } catch (NoteFormatException e) {
                throw new IllegalStateException("a verified checkpoint cannot fail to be cosigned", e);
            }
            boolean written = database.inTransaction(c -> state.isPresent()
                    ? WitnessStore.replace(c, origin, held, heldRoot, size, checkpoint.rootHash(), stored, now)
                    : WitnessStore.insert(c, origin, size, checkpoint.rootHash(), stored, now));
            if (!written) {
                long moved = database.inTransaction(c -> WitnessStore.state(c, origin)).map(State::size).orElse(0L);
                throw AddCheckpointException.oldSizeMismatch("old size: expected " + moved + ", the size another"
                        + " process of this witness cosigned for " + origin + " meanwhile; actual " + oldSize, moved);
            }
            listener.cosigned(origin, size);
            return List.of(cosignature);
        }
    }

    private void recordSplitView(String origin, long size, SignedNote cosigned, SignedNote conflicting) {
        SplitView proof = new SplitView(origin, size, cosigned, conflicting, clock.instant());
        database.inTransaction(c -> {
            WitnessStore.insertSplitView(c, proof);
            return null;
        });
        listener.splitView(proof);
    }

    /** The submitted note without lines naming this witness's key, so the stored note has one cosignature of ours. */
    private SignedNote withoutOurCosignatures(SignedNote note) throws NoteFormatException {
        NoteVerifierKey ours = cosigner.verifierKey();
        List<NoteSignature> kept = note.signatures().stream().filter(s -> !ours.names(s)).toList();
        return new SignedNote(note.text(), kept.isEmpty() ? note.signatures() : kept);
    }

    private static String b64(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }
}
