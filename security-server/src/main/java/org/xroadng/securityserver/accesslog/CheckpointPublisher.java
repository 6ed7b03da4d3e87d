package org.xroadng.securityserver.accesslog;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * Makes the server's access-log checkpoints and has the registry's witness accept them (DESIGN.md
 * section 7): when the log has grown past the last witnessed checkpoint, signs a checkpoint of its
 * current size and root ({@link CheckpointSigner}), and submits it with the RFC 9162 consistency
 * proof from the size the witness holds.
 *
 * <p>Guarantees: {@link #latest()} is always a checkpoint the witness accepted (or empty), so the
 * proofs the server hands out are against a root anyone can look up at the witness; the events it
 * covers were forced to the storage device before it was signed, by a sync with no failure since
 * ({@link MerkleLog#durableSize}): a failed write never reaches a signed root. Publishing is
 * serialised; a publish that fails changes nothing and the next one starts again from what the
 * witness reports. Thread-safe.
 *
 * <p>With a {@link NotePublisher}, the JWS checkpoint also names the server's note key
 * ({@code noteKey}), and each checkpoint the registry accepted is published again as a C2SP
 * tlog-checkpoint note to the transparency witnesses (see {@link NotePublisher}); a witness that
 * fails there never fails the publication.
 */
public final class CheckpointPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPublisher.class);

    private final SecurityServerId server;
    private final MerkleLog log;
    private final CheckpointSigner signer;
    private final Witness witness;
    private final Clock clock;
    private final PublishingTurn turn;
    private final NotePublisher notes; // null: no standard checkpoints
    private volatile WitnessedCheckpoint latest;
    private boolean synced;
    private String lastFailure;

    /**
     * Whether this process publishes the server's checkpoints now. A server of one process always
     * does; of the nodes of a clustered server sharing one access log, one at a time does (the
     * others follow what the witness holds), and the log it publishes from is brought up to every
     * node's appends first.
     */
    @FunctionalInterface
    public interface PublishingTurn {
        PublishingTurn ALWAYS = () -> true;

        boolean mine();
    }

    public CheckpointPublisher(SecurityServerId server, MerkleLog log, CheckpointSigner signer, Witness witness,
                               Clock clock) {
        this(server, log, signer, witness, clock, PublishingTurn.ALWAYS);
    }

    public CheckpointPublisher(SecurityServerId server, MerkleLog log, CheckpointSigner signer, Witness witness,
                               Clock clock, PublishingTurn turn) {
        this(server, log, signer, witness, clock, turn, null);
    }

    /** @param notes publishes the standard checkpoints; null for none */
    public CheckpointPublisher(SecurityServerId server, MerkleLog log, CheckpointSigner signer, Witness witness,
                               Clock clock, PublishingTurn turn, NotePublisher notes) {
        this.notes = notes;
        this.turn = Objects.requireNonNull(turn, "turn");
        this.server = Objects.requireNonNull(server, "server");
        this.log = Objects.requireNonNull(log, "log");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.witness = Objects.requireNonNull(witness, "witness");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What an operator wants to know: the log's size, the latest witnessed checkpoint (size, root,
     * when), and why the last publication failed, if it did and nothing has succeeded since.
     */
    public record Status(long size, Long witnessedSize, String witnessedRootHash, java.time.Instant witnessedAt,
                         String lastFailure) {
    }

    public Status status() {
        WitnessedCheckpoint current = latest;
        String failure;
        synchronized (this) {
            failure = lastFailure;
        }
        return new Status(log.size(), current == null ? null : current.size(),
                current == null ? null : current.rootHash(), current == null ? null : current.witnessedAt(), failure);
    }

    /** The standard checkpoints' publisher, if this server makes them. */
    public Optional<NotePublisher> notes() {
        return Optional.ofNullable(notes);
    }

    /** The latest checkpoint the witness accepted from this server, as far as this server knows. */
    public Optional<WitnessedCheckpoint> latest() {
        return Optional.ofNullable(latest);
    }

    /**
     * Publishes a checkpoint if the log holds events the witness has not seen; returns the latest
     * witnessed checkpoint afterwards.
     */
    public synchronized Optional<WitnessedCheckpoint> publish() throws CheckpointException {
        try {
            if (!turn.mine()) {
                // another node of this server publishes: follow what the witness holds from it
                latest = witness.latest(server).orElse(latest);
                synced = false;
                return latest();
            }
            if (!synced) {
                latest = witness.latest(server).orElse(null);
                synced = true;
            }
            long witnessedSize = latest == null ? 0 : latest.size();
            if (log.size() > log.durableSize()) {
                log.sync(); // a witnessed root must survive a power loss, or the log would contradict it
            }
            // Only what a successful sync covered: never a root over entries a failed write may have lost.
            long size = log.durableSize();
            if (size == 0 || size == witnessedSize) {
                publishNotes();
                return latest();
            }
            if (size < witnessedSize) {
                throw new CheckpointException("the witness holds a checkpoint of " + witnessedSize
                        + " events but this server's access log has only " + size + " durable ones: events were"
                        + " removed or lost", null);
            }
            Checkpoint checkpoint = new Checkpoint(server, size, log.root(size), clock.instant(),
                    notes == null ? null : notes.signer().verifierKey().format());
            CheckpointSigner.Signed signed = signer.sign(checkpoint);
            List<String> proof = new ArrayList<>();
            if (witnessedSize > 0) {
                for (byte[] hash : log.consistency(witnessedSize, size).path()) {
                    proof.add(Checkpoint.encodeHash(hash));
                }
            }
            latest = witness.submit(new CheckpointSubmission(signed.checkpoint(), signed.timestamp(), witnessedSize,
                    proof));
            if (lastFailure != null) {
                LOG.info("access log checkpoints are witnessed again (size {})", size);
                lastFailure = null;
            }
            publishNotes();
            return latest();
        } catch (WitnessException e) {
            synced = false; // ask the witness afresh next time
            throw new CheckpointException((e.refused() ? "the witness refused the checkpoint: "
                    : "the witness cannot be reached: ") + e.getMessage(), e);
        }
    }

    /** The registry-accepted size again as a standard checkpoint to the transparency witnesses. */
    private void publishNotes() {
        WitnessedCheckpoint current = latest;
        if (notes != null && current != null && current.size() > 0 && current.size() <= log.durableSize()) {
            notes.publish(log, current.size());
        }
    }

    /**
     * {@link #publish()} for a schedule: failures are logged (once while they repeat) and shown in
     * {@link #status()}, never thrown, whatever they are: a throwable escaping a scheduled task
     * would cancel every later run without a word.
     */
    public void publishQuietly() {
        try {
            publish();
        } catch (Throwable e) {
            String message = String.valueOf(e.getMessage());
            synchronized (this) {
                if (!message.equals(lastFailure)) {
                    LOG.error("access log checkpoint not published: {}", message);
                    lastFailure = message;
                }
            }
        }
    }
}
