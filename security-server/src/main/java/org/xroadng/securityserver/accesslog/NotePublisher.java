package org.xroadng.securityserver.accesslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSignature;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.AddCheckpointRequest;
import org.xroadng.auditlog.witness.TlogWitnessClient;

/**
 * Publishes the server's access-log checkpoints in the standard form (DESIGN.md section 7): a C2SP
 * tlog-checkpoint note signed with the server's Ed25519 note key, submitted to each transparency
 * witness with C2SP tlog-witness {@code add-checkpoint} and the RFC 6962 consistency proof from the
 * size that witness last cosigned, and kept with the cosignatures the witnesses returned.
 *
 * <p>Guarantees: {@link #latest()} is a note of a size this server also signed as its JWS
 * checkpoint, signed by {@link #signer()}, with the cosignature lines of every witness that
 * vouched for that size; which witnesses did and which did not is in {@link #status()}. A witness
 * that is down or refuses costs only its own cosignature: the others are still asked, and it is
 * asked again at the next publication. {@link #publish} runs under {@link CheckpointPublisher}'s
 * lock; {@link #latest()}, {@link #atSize} and {@link #status()} read snapshots from any thread.
 */
public final class NotePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(NotePublisher.class);

    private final NoteSigner signer;
    private final String origin;
    private final Supplier<List<TlogWitnessClient>> witnesses;
    private List<TlogWitnessClient> asked = List.of();
    /** Per witness, the size it last cosigned, as far as this server knows (0: ask it). */
    private final Map<String, Long> held = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    /** The latest note and its size, replaced whole so that readers never pair one's note with another's size. */
    private record Latest(long size, SignedNote note) {
    }

    private volatile Latest latest;
    private volatile Status status;

    /**
     * What the witnesses did with the latest checkpoint: who vouched for it, who did not and why.
     *
     * @param noteKey the server's note verifier key, as witnesses and portals configure it
     */
    public record Status(String noteKey, long size, List<String> vouched, Map<String, String> missing) {
        public Status {
            vouched = List.copyOf(vouched);
            missing = Map.copyOf(missing);
        }
    }

    public NotePublisher(NoteSigner signer, String origin, List<TlogWitnessClient> witnesses) {
        this(signer, origin, () -> witnesses);
    }

    /** @param witnesses the witnesses to ask, read again at each publication (the global configuration's list changes) */
    public NotePublisher(NoteSigner signer, String origin, Supplier<List<TlogWitnessClient>> witnesses) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.witnesses = Objects.requireNonNull(witnesses, "witnesses");
        this.status = new Status(signer.verifierKey().format(), -1, List.of(), Map.of());
        if (!signer.verifierKey().name().equals(origin)) {
            throw new IllegalArgumentException("note key " + signer.verifierKey().name() + " does not name the origin "
                    + origin + "; tlog-checkpoint: the log's key name should match the origin");
        }
    }

    public NoteSigner signer() {
        return signer;
    }

    /** The latest note and its cosignatures, if one was made. */
    public Optional<SignedNote> latest() {
        Latest current = latest;
        return current == null ? Optional.empty() : Optional.of(current.note());
    }

    /** The latest note if it is of exactly {@code size}. */
    public Optional<SignedNote> atSize(long size) {
        Latest current = latest;
        return current != null && current.size() == size ? Optional.of(current.note()) : Optional.empty();
    }

    /** Who vouched for the latest note and who did not, as of the end of the last publication. */
    public Status status() {
        return status;
    }

    private Status snapshot() {
        List<String> vouched = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        for (TlogWitnessClient witness : asked) {
            String failure = failures.get(witness.name());
            if (failure == null && latest != null) {
                vouched.add(witness.name());
            } else {
                missing.put(witness.name(), failure == null ? "not asked yet" : failure);
            }
        }
        return new Status(signer.verifierKey().format(), latest == null ? -1 : latest.size(), vouched, missing);
    }

    /**
     * Signs the note of {@code size} (whose root is {@code log.root(size)}) and asks every witness to
     * cosign it, unless the latest note is already of that size and every witness vouched for it.
     */
    void publish(MerkleLog log, long size) {
        List<TlogWitnessClient> current = List.copyOf(witnesses.get());
        boolean sameWitnesses = current.stream().map(TlogWitnessClient::name).toList()
                .equals(asked.stream().map(TlogWitnessClient::name).toList());
        if (latest != null && latest.size() == size && failures.isEmpty() && sameWitnesses) {
            return;
        }
        asked = current;
        SignedNote note;
        try {
            note = signer.signNote(new Checkpoint(origin, size, log.root(size)).text());
        } catch (NoteFormatException e) {
            throw new IllegalStateException("a checkpoint of this server cannot fail to be signed", e);
        }
        List<NoteSignature> cosignatures = new ArrayList<>();
        failures.clear();
        for (TlogWitnessClient witness : current) {
            try {
                cosignatures.addAll(submit(witness, log, note, size));
            } catch (TlogWitnessClient.CallException | TlogWitnessClient.SizeConflictException e) {
                held.remove(witness.name());
                if (!e.getMessage().equals(failures.put(witness.name(), e.getMessage()))) {
                    LOG.warn("access log checkpoint {} not cosigned by witness {}: {}", size, witness.name(),
                            e.getMessage());
                }
            }
        }
        try {
            latest = new Latest(size, note.withSignatures(cosignatures));
            status = snapshot();
        } catch (NoteFormatException e) {
            throw new IllegalStateException("cosignature lines the witnesses answered cannot fail to append", e);
        }
    }

    /** One witness, with one retry from the size it says it holds (tlog-witness: 409 names that size). */
    private List<NoteSignature> submit(TlogWitnessClient witness, MerkleLog log, SignedNote note, long size)
            throws TlogWitnessClient.CallException, TlogWitnessClient.SizeConflictException {
        long from = held.getOrDefault(witness.name(), 0L);
        try {
            List<NoteSignature> lines = witness.addCheckpoint(request(log, note, from, size));
            held.put(witness.name(), size);
            return lines;
        } catch (TlogWitnessClient.SizeConflictException e) {
            if (e.size() > size) {
                throw new TlogWitnessClient.CallException("the witness holds size " + e.size()
                        + ", more than this server's checkpoint of " + size + ": the access log lost events", null);
            }
            List<NoteSignature> lines = witness.addCheckpoint(request(log, note, e.size(), size));
            held.put(witness.name(), size);
            return lines;
        }
    }

    private static AddCheckpointRequest request(MerkleLog log, SignedNote note, long from, long size) {
        List<byte[]> proof = from == 0 || from == size ? List.of() : log.consistency(from, size).path();
        return new AddCheckpointRequest(from, proof, note);
    }
}
