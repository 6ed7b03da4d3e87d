package org.xroadng.auditlog.portal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.MemoryAccessLog;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * One security server's access log for tests: a real {@link MemoryAccessLog} (linked canonical
 * entries in an {@link InMemoryMerkleLog}), checkpoints of it, and the {@link AccessLogAnswer} its
 * {@code accessLog} service would give, with real inclusion proofs, or with events hidden as a
 * server that deleted rows of its subject index would answer. The checkpoint JWS carries an unchecked signature part: the
 * portal compares it with the witness rather than verifying it.
 */
final class TestServerLog {

    private final SecurityServerId server;
    private final InMemoryMerkleLog log = new InMemoryMerkleLog();
    private final MemoryAccessLog access = new MemoryAccessLog(log);
    private final Set<Long> hidden = new HashSet<>();
    private String checkpoint;
    private long checkpointSize = -1;

    TestServerLog(SecurityServerId server) {
        this.server = server;
    }

    SecurityServerId server() {
        return server;
    }

    /** Logs the event; returns its index. */
    long append(AccessEvent event) {
        return access.append(event);
    }

    /** From now on the answers leave out event {@code index}, whose entry stays in the tree. */
    void hide(long index) {
        hidden.add(index);
    }

    /** Signs (in form only) a checkpoint of the whole log and has {@code witness} accept it. */
    void checkpoint(Instant time, StandInWitness witness) {
        checkpoint(time, witness, null);
    }

    /** As {@link #checkpoint(Instant, StandInWitness)}, the checkpoint naming the server's note key {@code noteKey}. */
    void checkpoint(Instant time, StandInWitness witness, String noteKey) {
        checkpointSize = log.size();
        Checkpoint c = new Checkpoint(server, checkpointSize, log.root(checkpointSize), time, noteKey);
        checkpoint = jws(CheckpointCodec.payload(c));
        witness.accept(server, new WitnessedCheckpoint(checkpoint, "dGltZXN0YW1w", checkpointSize, c.rootHash(), time));
    }

    /** A checkpoint the server claims but the witness never saw (another root for the same size). */
    void forgeCheckpoint(Instant time) {
        Checkpoint c = new Checkpoint(server, checkpointSize, new byte[32], time);
        checkpoint = jws(CheckpointCodec.payload(c));
    }

    AccessLogAnswer answer(String subject) {
        return answer(subject, UnaryOperator.identity());
    }

    /** The Merkle tree of the log. */
    InMemoryMerkleLog tree() {
        return log;
    }

    /** The answer carrying {@code note} as its C2SP checkpoint note. */
    AccessLogAnswer answer(String subject, String note) {
        AccessLogAnswer plain = answer(subject);
        return new AccessLogAnswer(plain.server(), plain.subject(), plain.checkpoint(), plain.checkpointTimestamp(),
                plain.events(), note);
    }

    /** The answer, each event object passed through {@code change} after its proof was made. */
    AccessLogAnswer answer(String subject, UnaryOperator<Map<String, Object>> change) {
        List<AccessLogAnswer.Entry> entries = new ArrayList<>();
        for (AccessLog.StoredEvent stored : access.eventsOf(subject, AccessLogProtocol.MAX_EVENTS)) {
            long i = stored.index();
            if (hidden.contains(i)) {
                continue;
            }
            List<String> proof = null;
            if (i < checkpointSize) {
                proof = new ArrayList<>();
                for (byte[] hash : log.inclusion(i, checkpointSize).path()) {
                    proof.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
                }
            }
            entries.add(new AccessLogAnswer.Entry(i, change.apply(object(stored.entry())), proof));
        }
        return new AccessLogAnswer(server, subject, checkpoint, checkpoint == null ? null : "dGltZXN0YW1w", entries);
    }

    private static Map<String, Object> object(byte[] entry) {
        try {
            return ProtocolJson.mapper().readValue(entry, new TypeReference<HashMap<String, Object>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jws(byte[] payload) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload) + "." + b64.encodeToString(new byte[64]);
    }

    /** A witness that holds what tests made it accept. */
    static final class StandInWitness implements Witness {
        private final Map<String, WitnessedCheckpoint> accepted = new HashMap<>();

        synchronized void accept(SecurityServerId server, WitnessedCheckpoint checkpoint) {
            accepted.put(server.format() + "@" + checkpoint.size(), checkpoint);
            accepted.put(server.format() + "@latest", checkpoint);
        }

        @Override
        public synchronized Optional<WitnessedCheckpoint> latest(SecurityServerId server) {
            return Optional.ofNullable(accepted.get(server.format() + "@latest"));
        }

        @Override
        public synchronized Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) {
            return Optional.ofNullable(accepted.get(server.format() + "@" + size));
        }

        @Override
        public WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException {
            throw WitnessException.refused("the stand-in witness takes no submissions", 405);
        }
    }
}
