package org.xroadng.registry.witness;

import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.auditlog.merkle.RootMismatchException;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.registry.Actor;
import org.xroadng.registry.Changes;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.Servers;
import org.xroadng.registry.Settings;
import org.xroadng.registry.TrustAnchors;
import org.xroadng.registry.signer.SignerValidator;
import org.xroadng.registry.witness.CheckpointRefusedException.Reason;
import org.xroadng.registry.witness.CheckpointStore.Stored;

/**
 * The registry's checkpoint witness (DESIGN.md sections 5 and 7): it accepts a security server's
 * signed, time-stamped access-log checkpoint only when it extends the last one it accepted from
 * that server, and keeps every accepted checkpoint.
 *
 * <p>Checks on a submission, in this order; the first that fails refuses it with its
 * {@link Reason}:
 * <ol>
 *   <li>the body is at most {@value #MAX_SUBMISSION_BYTES} bytes of a {@link CheckpointSubmission}
 *       in the strict JSON of {@link CheckpointCodec};
 *   <li>the checkpoint JWS verifies and its signer's certificate is a trusted {@code sign}
 *       certificate with a fresh carried OCSP response ({@code ocspFreshnessSeconds}), and the
 *       payload is a checkpoint ({@link CheckpointVerifier#verifySignature});
 *   <li>the checkpoint's origin is a security server registered here, and the signer is its owner;
 *   <li>the checkpoint's time is at most {@link #MAX_FUTURE} after the registry's clock and not
 *       before the time of the last checkpoint accepted from the server;
 *   <li>the time-stamp token is by an approved TSA over SHA-256 of the JWS's ASCII bytes, and
 *       its {@code genTime} is within {@link #MAX_TIMESTAMP_DISTANCE} of the checkpoint's time (a
 *       checkpoint is stamped as soon as it is signed, so its time is vouched for by the TSA: a
 *       server cannot backdate a checkpoint, nor date it after the stamp);
 *   <li>{@code fromSize} is the size of the last accepted checkpoint (0 if none);
 *   <li>the history is consistent: with no previous checkpoint any size is accepted (trust on
 *       first use; the proof must be empty and a size-0 root must be the empty tree's); otherwise
 *       the size is not smaller, an equal size has the equal root, and a larger size comes with an
 *       RFC 9162 section 2.1.4 consistency proof from the last accepted (size, root) that verifies.
 * </ol>
 * A checkpoint of the same size and root as the last accepted one is answered with that one and
 * stores nothing. An accepted new checkpoint is stored whole in one transaction.
 *
 * <p>Admin audit trail (action {@value #ACTION}, actor and target the claimed origin, or
 * {@code anonymous} when the body names none): every refusal with its type and reason, and each
 * server's first accepted checkpoint; later acceptances are not written there (they are in the
 * witness's own history) to keep the trail readable.
 *
 * <p>Submissions are decided one at a time, so two for the same server cannot both extend the same
 * last checkpoint. Thread-safe.
 */
public final class CheckpointWitness {

    /** The largest submission accepted: a JWS with a chain and an OCSP response, a token and a proof fit many times. */
    public static final int MAX_SUBMISSION_BYTES = 64 * 1024;

    /** How far a checkpoint's time may lie ahead of the registry's clock. */
    public static final Duration MAX_FUTURE = Duration.ofMinutes(5);

    /** How far the TSA's {@code genTime} may lie from the checkpoint's own time (either way: clock skew). */
    public static final Duration MAX_TIMESTAMP_DISTANCE = Duration.ofMinutes(5);

    /** The admin audit trail's action for witness submissions. */
    public static final String ACTION = "witness.checkpoint";

    /** What a submission that was not refused led to. */
    public record Outcome(WitnessedCheckpoint witnessed, boolean stored) {
    }

    private final Changes changes;
    private final Servers servers;
    private final TrustAnchors trustAnchors;
    private final Settings settings;
    private final Provider provider;
    private final Clock clock;
    private final CheckpointVerifier verifier;
    private final Object decisionLock = new Object();

    public CheckpointWitness(Changes changes, Servers servers, TrustAnchors trustAnchors, Settings settings,
                             Provider provider, Clock clock) {
        this.changes = Objects.requireNonNull(changes, "changes");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.trustAnchors = Objects.requireNonNull(trustAnchors, "trustAnchors");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.verifier = new CheckpointVerifier(provider);
    }

    /** Decides a submission (the request body); a refusal is written to the admin audit trail before it is thrown. */
    public Outcome submit(byte[] body) throws CheckpointRefusedException {
        try {
            return decide(body);
        } catch (CheckpointRefusedException e) {
            Optional<SecurityServerId> claimed = claimedOrigin(body);
            changes.refused(claimed.map(id -> new Actor(id.format())).orElse(Actor.ANONYMOUS), ACTION,
                    claimed.map(SecurityServerId::format).orElse(null), e.type() + ": " + e.getMessage());
            throw e;
        }
    }

    /** The latest checkpoint accepted from {@code server}. */
    public Optional<WitnessedCheckpoint> latest(SecurityServerId server) {
        return changes.database().inTransaction(c -> CheckpointStore.latest(c, server)).map(Stored::witnessed);
    }

    /** The checkpoint of exactly {@code size} events accepted from {@code server}. */
    public Optional<WitnessedCheckpoint> atSize(SecurityServerId server, long size) {
        return changes.database().inTransaction(c -> CheckpointStore.atSize(c, server, size)).map(Stored::witnessed);
    }

    private Outcome decide(byte[] body) throws CheckpointRefusedException {
        if (body.length > MAX_SUBMISSION_BYTES) {
            throw new CheckpointRefusedException(Reason.TOO_LARGE, "checkpoint submission: expected at most "
                    + MAX_SUBMISSION_BYTES + " bytes; actual " + body.length);
        }
        CheckpointSubmission submission;
        try {
            submission = CheckpointCodec.submission(body);
        } catch (AccessLogFormatException e) {
            throw new CheckpointRefusedException(Reason.MALFORMED, e.getMessage(), e);
        }
        Instant now = clock.instant();
        SignerValidator signers = SignerValidator.at(provider, trustAnchors.caCertificates(),
                Duration.ofSeconds(settings.get().ocspFreshnessSeconds()), now);
        SignedCheckpoint signed = verifier.verifySignature(submission.checkpoint(), signers);
        Checkpoint checkpoint = signed.checkpoint();
        SecurityServerId origin = checkpoint.origin();
        requireRegistered(origin);
        if (!origin.owner().equals(signed.signer())) {
            throw new CheckpointRefusedException(Reason.SIGNER_MISMATCH, "checkpoint signer: expected the signing"
                    + " certificate of " + origin.owner() + ", the owner of " + origin + "; actual a certificate of "
                    + signed.signer());
        }
        if (checkpoint.time().isAfter(now.plus(MAX_FUTURE))) {
            throw new CheckpointRefusedException(Reason.TIME_IN_FUTURE, "checkpoint time: expected at most "
                    + MAX_FUTURE + " after the registry's time " + now + "; actual " + checkpoint.time());
        }
        byte[] token = timestampBytes(submission.timestamp());
        synchronized (decisionLock) {
            Optional<Stored> last = changes.database().inTransaction(c -> CheckpointStore.latest(c, origin));
            if (last.isPresent() && checkpoint.time().isBefore(last.get().checkpointTime())) {
                throw new CheckpointRefusedException(Reason.TIME_BEFORE_LAST, "checkpoint time: expected not before "
                        + last.get().checkpointTime() + ", the time of the last checkpoint accepted from " + origin
                        + " (size " + last.get().witnessed().size() + "); actual " + checkpoint.time());
            }
            Instant stamped = verifier.verifyTimestamp(token, signed.jws(), trustAnchors.tsaCertificates()).genTime();
            if (Duration.between(checkpoint.time(), stamped).abs().compareTo(MAX_TIMESTAMP_DISTANCE) > 0) {
                throw new CheckpointRefusedException(Reason.TIME_NOT_STAMPED, "checkpoint time: expected within "
                        + MAX_TIMESTAMP_DISTANCE + " of the timestamp's genTime " + stamped + "; actual "
                        + checkpoint.time());
            }
            long lastSize = last.map(s -> s.witnessed().size()).orElse(0L);
            if (submission.fromSize() != lastSize) {
                throw new CheckpointRefusedException(Reason.STALE_FROM_SIZE, "fromSize: expected " + lastSize
                        + (last.isPresent() ? ", the size of the last checkpoint the witness accepted from " + origin
                        : ", as the witness holds no checkpoint from " + origin + " yet") + "; actual "
                        + submission.fromSize());
            }
            if (last.isPresent()) {
                WitnessedCheckpoint previous = last.get().witnessed();
                if (checkpoint.size() == previous.size() && checkpoint.rootHash().equals(previous.rootHash())) {
                    return new Outcome(previous, false);
                }
                requireConsistent(checkpoint, previous, submission.consistency());
            } else {
                requireFirstWellFormed(checkpoint, submission.consistency());
            }
            WitnessedCheckpoint accepted = new WitnessedCheckpoint(signed.jws(), submission.timestamp(),
                    checkpoint.size(), checkpoint.rootHash(), now);
            changes.database().<Void, CheckpointRefusedException>inTransaction(c -> {
                if (changes.database().engine() == Database.Engine.POSTGRESQL) {
                    // Registry nodes sharing the database decide one origin's checkpoints one at a time:
                    // what this node checked against must still be the newest when it is stored.
                    Jdbc.query(c, "SELECT pg_advisory_xact_lock(?)", r -> Boolean.TRUE,
                            (long) origin.format().hashCode());
                    long newest = CheckpointStore.latest(c, origin).map(s -> s.witnessed().size()).orElse(0L);
                    if (newest != lastSize) {
                        throw new CheckpointRefusedException(Reason.STALE_FROM_SIZE, "fromSize: expected " + newest
                                + ", the size another registry node accepted from " + origin + " meanwhile; actual "
                                + submission.fromSize());
                    }
                }
                CheckpointStore.insert(c, origin, checkpoint.size(), checkpoint.rootHash(), checkpoint.time(),
                        signed.jws(), token, now);
                if (last.isEmpty()) {
                    changes.recordSuccess(c, new Actor(origin.format()), ACTION, origin.format(), "first checkpoint"
                            + " accepted: size " + checkpoint.size() + ", root " + checkpoint.rootHash());
                }
                return null;
            });
            return new Outcome(accepted, true);
        }
    }

    private void requireRegistered(SecurityServerId origin) throws CheckpointRefusedException {
        try {
            servers.get(origin);
        } catch (RegistryException e) {
            throw new CheckpointRefusedException(Reason.UNKNOWN_SERVER, "checkpoint origin: expected a security"
                    + " server registered in this registry; actual " + origin + ", which is not registered");
        }
    }

    private static byte[] timestampBytes(String base64) throws CheckpointRefusedException {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CheckpointRefusedException(Reason.MALFORMED, "timestamp: expected base64 (RFC 4648 section 4)"
                    + " of a DER RFC 3161 token; actual text that is not base64: " + e.getMessage(), e);
        }
    }

    /** RFC 9162 section 2.1.4.2 from the last accepted (size, root) to the new one. */
    private static void requireConsistent(Checkpoint checkpoint, WitnessedCheckpoint previous, List<String> proof)
            throws CheckpointRefusedException {
        String origin = checkpoint.origin().format();
        String rewritten = "the access log of " + origin + " was rewritten or forked: ";
        if (checkpoint.size() < previous.size()) {
            throw new CheckpointRefusedException(Reason.INCONSISTENT_HISTORY, rewritten + "expected a checkpoint of"
                    + " at least size " + previous.size() + ", the last one the witness accepted; actual size "
                    + checkpoint.size());
        }
        if (checkpoint.size() == previous.size()) {
            throw new CheckpointRefusedException(Reason.INCONSISTENT_HISTORY, rewritten + "expected root "
                    + previous.rootHash() + " at size " + previous.size() + ", as the witness accepted; actual root "
                    + checkpoint.rootHash());
        }
        List<byte[]> hashes = new ArrayList<>();
        for (String hash : proof) {
            hashes.add(Checkpoint.decodeHash(hash, "consistency proof hash"));
        }
        try {
            ProofVerifier.verifyConsistency(previous.size(), checkpoint.size(),
                    Checkpoint.decodeHash(previous.rootHash(), "rootHash"), checkpoint.rootHashBytes(), hashes);
        } catch (RootMismatchException e) {
            throw new CheckpointRefusedException(Reason.INCONSISTENT_HISTORY, rewritten + "expected the tree of size "
                    + checkpoint.size() + " with root " + checkpoint.rootHash() + " to extend the accepted tree of size "
                    + previous.size() + " with root " + previous.rootHash() + "; actual the consistency proof fails: "
                    + e.getMessage(), e);
        } catch (ProofVerificationException e) {
            throw new CheckpointRefusedException(Reason.MALFORMED, "consistency: expected the RFC 9162 proof from size "
                    + previous.size() + " to " + checkpoint.size() + "; actual " + e.getMessage(), e);
        }
    }

    private static void requireFirstWellFormed(Checkpoint checkpoint, List<String> proof)
            throws CheckpointRefusedException {
        if (!proof.isEmpty()) {
            throw new CheckpointRefusedException(Reason.MALFORMED, "consistency: expected no hashes, as the witness"
                    + " holds no checkpoint from " + checkpoint.origin() + " yet; actual " + proof.size());
        }
        if (checkpoint.size() == 0 && !checkpoint.rootHash().equals(Checkpoint.encodeHash(MerkleHashes.emptyRoot()))) {
            throw new CheckpointRefusedException(Reason.MALFORMED, "rootHash: expected "
                    + Checkpoint.encodeHash(MerkleHashes.emptyRoot()) + ", the root of the empty tree, at size 0;"
                    + " actual " + checkpoint.rootHash());
        }
    }

    /** The origin the body names, unverified, for the audit trail of a refusal; empty when it names none. */
    private static Optional<SecurityServerId> claimedOrigin(byte[] body) {
        if (body.length > MAX_SUBMISSION_BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(CheckpointCodec.unverifiedCheckpoint(CheckpointCodec.submission(body).checkpoint())
                    .origin());
        } catch (AccessLogFormatException e) {
            return Optional.empty();
        }
    }
}
