package org.xroadng.auditlog.portal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogOrigin;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifier;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.auditlog.witness.CosignaturePolicy;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.auditlog.merkle.ProofVerifier;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.Witness;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.id.SecurityServerId;

/**
 * Checks one security server's {@link AccessLogAnswer} for one subject and turns its events into
 * {@link SideRecord}s (DESIGN.md section 7).
 *
 * <p>Guarantees: an event that does not name the subject in {@code subjects} is dropped, so a
 * citizen sees only their own events. A record is {@code verified} only when all of these hold:
 * the answer names the server and subject asked; its checkpoint's origin is that server; the
 * witness holds a checkpoint of that server at that size with the same root hash; the event's
 * index is below the checkpoint size; and the RFC 9162 inclusion proof from
 * {@code SHA-256(0x00 || RFC 8785 canonical JSON of the event object as received)} leads to that
 * root. So an event changed after it was logged, a checkpoint the witness never saw, and a proof
 * for another tree are all shown as unverified with the reason. The checkpoint's own signature is
 * not checked here: the witness verified it when accepting it, and the root must equal the
 * witnessed one.
 *
 * <p>With a {@link CosignaturePolicy} that requires cosignatures, a record is verified only
 * against a checkpoint that is also vouched for in the standard form: the answer's
 * {@code checkpointNote} is a C2SP tlog-checkpoint of the server's access-log origin with the same
 * size and root, signed by the note key the server named in the checkpoint the registry accepted,
 * and carrying verifying {@code cosignature/v1} cosignatures of at least the quorum of the
 * witnesses the portal trusts. Otherwise the reason says how many vouched, which did, and which
 * did not and why ({@link CosignaturePolicy.Verdict#describe()}).
 *
 * <p>Restricted accesses (DESIGN.md section 7): a stub is proved like any entry. Before its
 * disclosure date it is shown as it is; once the server reveals it, the revealed event is shown
 * only if it opens the commitment the stub logged ({@link RestrictedAccess#checkReveal}). A reveal
 * that does not, and no reveal {@link #DISCLOSURE_GRACE} after the date, are flagged: the record
 * is not verified and {@link Result#problems()} names it.
 *
 * <p>Events left out: each event's {@code previous} member names, per subject, the index of the
 * subject's previous event in the same log (set when it was logged, so covered by its proof). The
 * subject's events in the answer must link up one to the next, and the oldest must link to nothing
 * unless the answer is full ({@value AccessLogProtocol#MAX_EVENTS} events). A server that hides
 * some of a citizen's events from its answer (say, by deleting rows of its subject index) is named
 * in {@link Result#problems()}, with the indexes it left out. Hiding the newest events cannot be
 * seen this way; {@link CitizenAccessLogs} compares with the other side's records for that.
 */
public final class AnswerVerifier {

    public static final String NOT_CHECKPOINTED = "not yet checkpointed";
    public static final String NOT_WITNESSED = "checkpoint not witnessed";
    public static final String PROOF_FAILED = "inclusion proof does not match the checkpoint"
            + " (the record was changed after it was logged, or the proof is wrong)";

    public static final String NOT_VOUCHED = "checkpoint not vouched for by enough witnesses";

    /**
     * How long after a restricted access's disclosure date the portal waits for the server to
     * reveal it before flagging it as overdue (the server's disclosure job runs every few seconds;
     * this allows for clocks apart and a server restarting).
     */
    public static final Duration DISCLOSURE_GRACE = Duration.ofMinutes(10);

    private final Witness witness;
    private final Supplier<CosignaturePolicy> policies;
    private final Clock clock;

    public AnswerVerifier(Witness witness, Clock clock) {
        this(witness, CosignaturePolicy.NONE, clock);
    }

    public AnswerVerifier(Witness witness, CosignaturePolicy policy, Clock clock) {
        this(witness, () -> policy, clock);
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param policies the policy in force, asked once per answer (one read from the global configuration, say)
     * @param clock    tells whether a restricted access's disclosure date has come
     */
    public AnswerVerifier(Witness witness, Supplier<CosignaturePolicy> policies, Clock clock) {
        this.witness = Objects.requireNonNull(witness, "witness");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What one server's answer gave: its checked records, anything that could not be shown, and
     * whether it holds all of the subject's events there ({@code complete}: fewer than
     * {@value AccessLogProtocol#MAX_EVENTS}, so none was cut off for length).
     */
    public record Result(List<SideRecord> records, List<CitizenEvents.Problem> problems, boolean complete) {
        public Result {
            records = List.copyOf(records);
            problems = List.copyOf(problems);
        }
    }

    public Result verify(SecurityServerId asked, PersonalCode subject, AccessLogAnswer answer) {
        List<CitizenEvents.Problem> problems = new ArrayList<>();
        TrustedRoot root = trustedRoot(asked, subject, answer);
        List<SideRecord> records = new ArrayList<>();
        List<AccessLogAnswer.Entry> named = new ArrayList<>();
        for (AccessLogAnswer.Entry entry : answer.events()) {
            if (!namesSubject(entry, subject)) {
                continue;
            }
            named.add(entry);
            String reason = root.reason != null ? root.reason : proofFailure(entry, root);
            try {
                if (RestrictedAccess.isStub(entry.event())) {
                    records.add(restricted(asked, entry, reason, root.vouching, problems));
                } else {
                    records.add(SideRecord.read(asked, entry.event(), reason == null, reason, root.vouching));
                }
            } catch (IllegalArgumentException | ClassCastException e) {
                problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.UNREADABLE,
                        "event " + entry.index() + " of " + asked.format() + " cannot be shown: " + e.getMessage()));
            }
        }
        boolean full = answer.events().size() >= AccessLogProtocol.MAX_EVENTS;
        problems.addAll(leftOut(asked, subject, named, full));
        return new Result(records, problems, !full);
    }

    /**
     * A restricted access's stub (whose inclusion {@code reason} already judged): before its date
     * the stub alone; once revealed, the revealed event if it opens the stub's commitment
     * ({@link RestrictedAccess#checkReveal}), else the stub flagged; not revealed more than
     * {@link #DISCLOSURE_GRACE} after its date, the stub flagged. A flagged record is not verified
     * and is named in {@code problems}.
     */
    private SideRecord restricted(SecurityServerId asked, AccessLogAnswer.Entry entry, String reason,
                                  CosignaturePolicy.Verdict vouching, List<CitizenEvents.Problem> problems) {
        RestrictedAccess.Stub stub = RestrictedAccess.stubOf(entry.event());
        Instant disclose = stub.restriction().discloseAt();
        AccessLogAnswer.Reveal reveal = entry.reveal();
        if (reveal != null) {
            Optional<String> mismatch = RestrictedAccess.checkReveal(entry.event(), reveal.salt(), reveal.event());
            if (mismatch.isEmpty()) {
                SideRecord revealed = SideRecord.read(asked, reveal.event(), reason == null, reason, vouching);
                return revealed.withRestricted(new SideRecord.Restricted(stub.restriction(), stub.commitment(),
                        SideRecord.Status.DISCLOSED, revealed.time()));
            }
            String text = asked.format() + " revealed its restricted event " + entry.index()
                    + " as another event than it committed to: " + mismatch.get();
            problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.RESTRICTED_REVEAL_MISMATCH, text));
            return SideRecord.stub(asked, entry.event(), stub, SideRecord.Status.MISMATCH, false, text, vouching);
        }
        Instant now = clock.instant();
        if (!now.isBefore(disclose.plus(DISCLOSURE_GRACE))) {
            String text = asked.format() + " has not disclosed its restricted event " + entry.index()
                    + ", due on " + disclose;
            problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.RESTRICTED_OVERDUE, text));
            return SideRecord.stub(asked, entry.event(), stub, SideRecord.Status.OVERDUE, false, text, vouching);
        }
        return SideRecord.stub(asked, entry.event(), stub, now.isBefore(disclose) ? SideRecord.Status.SEALED
                : SideRecord.Status.DUE, reason == null, reason, vouching);
    }

    /**
     * Where the subject's events do not link up: each event's link must be the index of the one
     * before it in the answer, and the oldest's must be absent unless the answer was full.
     */
    private static List<CitizenEvents.Problem> leftOut(SecurityServerId asked, PersonalCode subject, List<AccessLogAnswer.Entry> events,
                                        boolean full) {
        List<AccessLogAnswer.Entry> ordered = new ArrayList<>(events);
        ordered.sort(Comparator.comparingLong(AccessLogAnswer.Entry::index));
        List<CitizenEvents.Problem> problems = new ArrayList<>();
        Long before = null;
        for (int i = 0; i < ordered.size(); i++) {
            AccessLogAnswer.Entry entry = ordered.get(i);
            Object links = entry.event().get(AccessEvent.PREVIOUS);
            if (links == null) {
                before = entry.index(); // logged before events were linked: nothing to check against
                continue;
            }
            Long link;
            try {
                link = linkOf(links, subject);
            } catch (IllegalArgumentException e) {
                problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.UNREADABLE, asked.format() + "'s event "
                        + entry.index() + " cannot be checked for left-out events: " + e.getMessage()));
                before = entry.index();
                continue;
            }
            if (i == 0 && link != null && full) {
                problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.TOO_MANY, asked.format() + " has more than "
                        + AccessLogProtocol.MAX_EVENTS + " events naming you; only the newest " + AccessLogProtocol.MAX_EVENTS
                        + " are shown"));
            } else if (i == 0 && link != null) {
                problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.LEFT_OUT, asked.format()
                        + " left out at least one of your events: its event " + entry.index() + " follows your event "
                        + link + ", which the answer does not include"));
            } else if (i > 0 && !Objects.equals(link, before)) {
                problems.add(new CitizenEvents.Problem(asked, CitizenEvents.Kind.LEFT_OUT, asked.format()
                        + " left out at least one of your events: its event " + entry.index()
                        + (link == null ? " is logged as your first there, yet the answer has your event " + before
                        + " before it" : " follows your event " + link + ", but the answer goes from event " + before
                        + " to it")));
            }
            before = entry.index();
        }
        return problems;
    }

    /** The link to the subject's previous event in {@code links} (the event's {@code previous}), null if none. */
    private static Long linkOf(Object links, PersonalCode subject) {
        if (!(links instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("member '" + AccessEvent.PREVIOUS + "' is not an object");
        }
        Object index = map.get(subject.value());
        if (index != null && !(index instanceof Number)) {
            throw new IllegalArgumentException("its link for you is not an index");
        }
        return index == null ? null : ((Number) index).longValue();
    }

    /** The witnessed root events are checked against, or the reason none can be verified. */
    private record TrustedRoot(long size, byte[] root, String reason, CosignaturePolicy.Verdict vouching) {
        static TrustedRoot none(String reason) {
            return new TrustedRoot(0, null, reason, null);
        }
    }

    /** Why a checkpoint note does not vouch for a checkpoint, or the witnesses' verdict on it. */
    private record Vouching(String problem, CosignaturePolicy.Verdict verdict) {
        static Vouching problem(String problem) {
            return new Vouching(problem, null);
        }
    }

    private TrustedRoot trustedRoot(SecurityServerId asked, PersonalCode subject, AccessLogAnswer answer) {
        if (!answer.server().equals(asked)) {
            return TrustedRoot.none("the answer names server " + answer.server().format() + ", not "
                    + asked.format() + " that was asked");
        }
        if (!answer.subject().equals(subject.value())) {
            return TrustedRoot.none("the answer names another subject than the one asked");
        }
        if (answer.checkpoint() == null) {
            return TrustedRoot.none(NOT_CHECKPOINTED);
        }
        Checkpoint checkpoint;
        try {
            checkpoint = CheckpointCodec.unverifiedCheckpoint(answer.checkpoint());
        } catch (AccessLogFormatException e) {
            return TrustedRoot.none("the checkpoint cannot be read: " + e.getMessage());
        }
        if (!checkpoint.origin().equals(asked)) {
            return TrustedRoot.none("the checkpoint is of " + checkpoint.origin().format() + ", not of " + asked.format());
        }
        Optional<WitnessedCheckpoint> witnessed;
        try {
            witnessed = witness.atSize(asked, checkpoint.size());
        } catch (WitnessException e) {
            return TrustedRoot.none("the witness could not be asked: " + e.getMessage());
        }
        if (witnessed.isEmpty()) {
            return TrustedRoot.none(NOT_WITNESSED + ": the witness holds no checkpoint of size " + checkpoint.size());
        }
        if (!witnessed.get().rootHash().equals(checkpoint.rootHash())) {
            return TrustedRoot.none(NOT_WITNESSED + ": the witness holds another root hash for size " + checkpoint.size());
        }
        CosignaturePolicy policy = policies.get();
        if (!policy.required()) {
            return new TrustedRoot(checkpoint.size(), checkpoint.rootHashBytes(), null, null);
        }
        Vouching vouching = vouching(policy, asked, answer.checkpointNote(), checkpoint, witnessed.get());
        if (vouching.problem() != null) {
            return TrustedRoot.none(vouching.problem());
        }
        if (!vouching.verdict().met()) {
            return new TrustedRoot(0, null, NOT_VOUCHED + ": " + vouching.verdict().describe(), vouching.verdict());
        }
        return new TrustedRoot(checkpoint.size(), checkpoint.rootHashBytes(), null, vouching.verdict());
    }

    /**
     * Why the standard checkpoint cannot vouch for {@code checkpoint} (not the same tree, not signed
     * by the server's note key), or which trusted witnesses cosigned it.
     */
    private static Vouching vouching(CosignaturePolicy policy, SecurityServerId asked, String noteText,
                                     Checkpoint checkpoint, WitnessedCheckpoint accepted) {
        if (noteText == null) {
            return Vouching.problem(NOT_VOUCHED + ": the server gave no C2SP checkpoint note for size "
                    + checkpoint.size());
        }
        SignedNote note;
        org.xroadng.auditlog.note.Checkpoint stated;
        try {
            note = SignedNote.parse(noteText);
            stated = org.xroadng.auditlog.note.Checkpoint.parse(note.text());
        } catch (NoteFormatException e) {
            return Vouching.problem(NOT_VOUCHED + ": the checkpoint note cannot be read: " + e.getMessage());
        }
        if (!stated.origin().equals(AccessLogOrigin.of(asked)) || stated.size() != checkpoint.size()
                || !Arrays.equals(stated.rootHash(), checkpoint.rootHashBytes())) {
            return Vouching.problem(NOT_VOUCHED + ": the checkpoint note states " + stated + ", not the access log of "
                    + asked.format() + " at size " + checkpoint.size());
        }
        String noteKey;
        try {
            noteKey = CheckpointCodec.unverifiedCheckpoint(accepted.checkpoint()).noteKey();
        } catch (AccessLogFormatException e) {
            return Vouching.problem(NOT_VOUCHED + ": the registry's checkpoint cannot be read: " + e.getMessage());
        }
        if (noteKey == null) {
            return Vouching.problem(NOT_VOUCHED + ": the registry's checkpoint names no note key for "
                    + asked.format());
        }
        try {
            NoteVerifier.verify(note, List.of(NoteVerifierKey.parse(noteKey)));
        } catch (NoteFormatException | NoteVerificationException e) {
            return Vouching.problem(NOT_VOUCHED + ": the server's signature on the checkpoint note does not verify: "
                    + e.getMessage());
        }
        return new Vouching(null, policy.check(note));
    }

    private static String proofFailure(AccessLogAnswer.Entry entry, TrustedRoot root) {
        if (entry.proof() == null || entry.index() >= root.size()) {
            return NOT_CHECKPOINTED;
        }
        byte[] leaf;
        try {
            leaf = MerkleHashes.leafHash(entry.leaf());
        } catch (IllegalArgumentException e) {
            return "the record cannot be put in canonical form: " + e.getMessage();
        }
        List<byte[]> proof = new ArrayList<>(entry.proof().size());
        for (String hash : entry.proof()) {
            try {
                proof.add(Base64.getUrlDecoder().decode(hash));
            } catch (IllegalArgumentException e) {
                return "the inclusion proof is not base64url";
            }
        }
        try {
            ProofVerifier.verifyInclusion(entry.index(), root.size(), leaf, proof, root.root());
            return null;
        } catch (ProofVerificationException e) {
            return PROOF_FAILED;
        }
    }

    private static boolean namesSubject(AccessLogAnswer.Entry entry, PersonalCode subject) {
        return entry.event().get("subjects") instanceof List<?> subjects && subjects.contains(subject.value());
    }
}
