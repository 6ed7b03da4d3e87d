package org.xroadng.securityserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * A stand-in for the registry's witness in security-server tests (the real one is in
 * central-registry, which this module must not depend on): keeps every accepted checkpoint and
 * refuses a stale {@code fromSize} or a consistency proof that does not verify, as the real one does.
 * Signatures are not checked here. {@link #down} makes it unreachable.
 */
final class TestWitness implements Witness {

    private final Map<SecurityServerId, List<WitnessedCheckpoint>> accepted = new HashMap<>();
    volatile boolean down;

    @Override
    public synchronized Optional<WitnessedCheckpoint> latest(SecurityServerId server) throws WitnessException {
        reachable();
        List<WitnessedCheckpoint> list = accepted.getOrDefault(server, List.of());
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(list.size() - 1));
    }

    @Override
    public synchronized Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) throws WitnessException {
        reachable();
        return accepted.getOrDefault(server, List.of()).stream().filter(c -> c.size() == size).findFirst();
    }

    @Override
    public synchronized WitnessedCheckpoint submit(CheckpointSubmission submission) throws WitnessException {
        reachable();
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointCodec.unverifiedCheckpoint(submission.checkpoint());
        } catch (AccessLogFormatException e) {
            throw WitnessException.refused(e.getMessage(), 400);
        }
        Optional<WitnessedCheckpoint> last = latest(checkpoint.origin());
        long lastSize = last.map(WitnessedCheckpoint::size).orElse(0L);
        if (submission.fromSize() != lastSize) {
            throw WitnessException.refused("the witness holds size " + lastSize, 409);
        }
        if (last.isPresent()) {
            try {
                ProofVerifier.verifyConsistency(lastSize, checkpoint.size(),
                        Checkpoint.decodeHash(last.get().rootHash(), "root"), checkpoint.rootHashBytes(),
                        submission.consistency().stream().map(h -> Checkpoint.decodeHash(h, "proof")).toList());
            } catch (ProofVerificationException e) {
                throw WitnessException.refused("inconsistent history: " + e.getMessage(), 409);
            }
        }
        WitnessedCheckpoint witnessed = new WitnessedCheckpoint(submission.checkpoint(), submission.timestamp(),
                checkpoint.size(), checkpoint.rootHash(), Instant.EPOCH);
        accepted.computeIfAbsent(checkpoint.origin(), s -> new ArrayList<>()).add(witnessed);
        return witnessed;
    }

    private void reachable() throws WitnessException {
        if (down) {
            throw new WitnessException("test witness is down", null);
        }
    }
}
