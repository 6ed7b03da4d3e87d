package org.xroadng.auditlog.witness;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import org.xroadng.auditlog.note.Checkpoint;
import org.xroadng.auditlog.note.NoteFormatException;
import org.xroadng.auditlog.note.NoteSigner;
import org.xroadng.auditlog.note.SignedNote;

/** A log for witness tests: an in-memory Merkle tree and the log's note key; builds add-checkpoint requests. */
final class TestLog {

    final String origin;
    final NoteSigner key;
    final InMemoryMerkleLog tree = new InMemoryMerkleLog();

    TestLog(String origin, long seed) throws NoteFormatException {
        this.origin = origin;
        SecureRandom random = deterministic(seed);
        this.key = NoteSigner.generate(origin, random);
    }

    static SecureRandom deterministic(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    FollowedLog followed() {
        return new FollowedLog(origin, List.of(key.verifierKey()));
    }

    void grow(int entries) {
        for (int i = 0; i < entries; i++) {
            tree.append(("event " + tree.size()).getBytes(StandardCharsets.UTF_8));
        }
    }

    SignedNote checkpoint(long size) throws NoteFormatException {
        return key.signNote(new Checkpoint(origin, size, tree.root(size)).text());
    }

    AddCheckpointRequest request(long oldSize, long size) throws NoteFormatException {
        List<byte[]> proof = oldSize == 0 || oldSize == size ? List.of() : tree.consistency(oldSize, size).path();
        return new AddCheckpointRequest(oldSize, proof, checkpoint(size));
    }
}
