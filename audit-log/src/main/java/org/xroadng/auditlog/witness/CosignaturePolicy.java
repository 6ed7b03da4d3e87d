package org.xroadng.auditlog.witness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xroadng.auditlog.note.Cosignatures;
import org.xroadng.auditlog.note.NoteVerificationException;
import org.xroadng.auditlog.note.NoteVerifierKey;
import org.xroadng.auditlog.note.SignedNote;

/**
 * A client's trust in witnesses (C2SP tlog-cosignature: "log clients can verify a quorum of
 * cosignatures to prevent split-view attacks"): the cosigning keys it trusts and how many of them
 * must have cosigned a checkpoint before the client relies on it. {@link #NONE} trusts no witness
 * and asks for none. Immutable.
 */
public record CosignaturePolicy(List<NoteVerifierKey> witnesses, int quorum) {

    /** No witness trusted, none required. */
    public static final CosignaturePolicy NONE = new CosignaturePolicy(List.of(), 0);

    public CosignaturePolicy {
        witnesses = List.copyOf(witnesses);
        Set<String> names = new LinkedHashSet<>();
        for (NoteVerifierKey key : witnesses) {
            if (key.type() != NoteVerifierKey.COSIGNATURE_V1) {
                throw new IllegalArgumentException("witness key " + key.format() + ": expected a cosignature/v1 key"
                        + " (type 0x04)");
            }
            if (!names.add(key.name())) {
                throw new IllegalArgumentException("witness " + key.name() + " is listed twice");
            }
        }
        if (quorum < 0 || quorum > witnesses.size()) {
            throw new IllegalArgumentException("quorum is " + quorum + "; expected 0 to " + witnesses.size()
                    + ", the number of trusted witnesses");
        }
        if (quorum == 0 && !witnesses.isEmpty()) {
            throw new IllegalArgumentException("quorum is 0 with " + witnesses.size() + " trusted witnesses; expected"
                    + " 1 to " + witnesses.size());
        }
    }

    /**
     * The policy a global configuration publishes: its witnesses' keys and quorum. A listed key
     * that cannot be read (the registry checks them when they are listed, so only a damaged
     * configuration has one) is left out, and the quorum is then at most the keys that remain.
     */
    public static CosignaturePolicy of(org.xroadng.protocol.globalconf.GlobalConfiguration.Transparency transparency) {
        List<NoteVerifierKey> keys = new ArrayList<>();
        for (var witness : transparency.witnesses()) {
            try {
                NoteVerifierKey key = NoteVerifierKey.parse(witness.verifierKey());
                if (key.type() == NoteVerifierKey.COSIGNATURE_V1 && keys.stream().noneMatch(k -> k.name().equals(key.name()))) {
                    keys.add(key);
                }
            } catch (org.xroadng.auditlog.note.NoteFormatException e) {
                // left out, see above
            }
        }
        return new CosignaturePolicy(keys, Math.min(transparency.quorum(), keys.size()));
    }

    /** Whether any cosignature is required. */
    public boolean required() {
        return quorum > 0;
    }

    /** Why a trusted witness does not vouch for a checkpoint note, as far as the note shows. */
    public enum Missing {
        /** No cosignature line of its key on the note (it was down, refused, or not asked yet). */
        NO_COSIGNATURE("no cosignature"),
        /** A line with its key id whose signature does not verify over this checkpoint. */
        COSIGNATURE_INVALID("cosignature does not verify");

        private final String text;

        Missing(String text) {
            this.text = text;
        }

        /** In English, for logs and technical details. */
        public String text() {
            return text;
        }
    }

    /**
     * Which trusted witnesses vouched for a checkpoint note.
     *
     * @param vouched the trusted witnesses whose cosignature verified, with its time
     * @param missing the others, with why
     */
    public record Verdict(Map<String, Instant> vouched, Map<String, Missing> missing, int quorum) {
        public Verdict {
            vouched = Map.copyOf(vouched);
            missing = Map.copyOf(missing);
        }

        public boolean met() {
            return vouched.size() >= quorum;
        }

        /** A sentence for people: how many vouched of how many needed, and who did not. */
        public String describe() {
            List<String> absent = new ArrayList<>();
            missing.forEach((name, why) -> absent.add(name + " (" + why.text() + ")"));
            return vouched.size() + " of the " + quorum + " witness cosignatures required"
                    + (vouched.isEmpty() ? "" : "; vouched: " + String.join(", ", vouched.keySet().stream().sorted()
                    .toList())) + (absent.isEmpty() ? "" : "; missing: " + String.join(", ", absent.stream().sorted()
                    .toList()));
        }
    }

    /** Checks the cosignatures on {@code note} (whose log signature the caller checks). */
    public Verdict check(SignedNote note) {
        Map<String, Instant> vouched = new LinkedHashMap<>();
        Map<String, Missing> missing = new LinkedHashMap<>();
        for (NoteVerifierKey witness : witnesses) {
            try {
                Optional<Instant> time = Cosignatures.verify(note, witness);
                if (time.isPresent()) {
                    vouched.put(witness.name(), time.get());
                } else {
                    missing.put(witness.name(), Missing.NO_COSIGNATURE);
                }
            } catch (NoteVerificationException e) {
                missing.put(witness.name(), Missing.COSIGNATURE_INVALID);
            }
        }
        return new Verdict(vouched, missing, quorum);
    }
}
