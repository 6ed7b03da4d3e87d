package org.xroadng.auditlog.note;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies the Ed25519 (type 0x01) signatures on a signed note against trusted keys, with the
 * semantics of C2SP signed-note "Signatures": a signature whose (name, key id) is no trusted key's
 * is ignored; one that names a trusted key must verify, else the whole note is rejected; and at
 * least one trusted signature must verify. Cosignatures (type 0x04) are {@link Cosignatures}'
 * concern; a trusted key of that type is not accepted here.
 */
public final class NoteVerifier {

    private NoteVerifier() {
    }

    /** The trusted keys whose signatures verified (never empty). */
    public static Set<NoteVerifierKey> verify(SignedNote note, Collection<NoteVerifierKey> trusted)
            throws NoteVerificationException {
        Set<NoteVerifierKey> verified = new LinkedHashSet<>();
        byte[] message = NoteSignature.utf8(note.text());
        for (NoteSignature signature : note.signatures()) {
            for (NoteVerifierKey key : trusted) {
                if (key.type() != NoteVerifierKey.ED25519 || !key.names(signature)) {
                    continue;
                }
                if (!ed25519(key.publicKey(), message, signature.signature())) {
                    throw new NoteVerificationException("signed note: the signature of trusted key " + key.format()
                            + " does not verify over the note text; the note is rejected");
                }
                verified.add(key);
            }
        }
        if (verified.isEmpty()) {
            List<String> found = new ArrayList<>();
            for (NoteSignature signature : note.signatures()) {
                found.add(NoteVerifierKey.describe(signature));
            }
            List<String> expected = new ArrayList<>();
            for (NoteVerifierKey key : trusted) {
                expected.add(key.name() + "+" + NoteVerifierKey.hexId(key.keyId()));
            }
            throw new NoteVerificationException("signed note: expected a signature by one of " + expected
                    + "; actual signatures by " + found);
        }
        return verified;
    }

    /** RFC 8032 Ed25519 verification; false for a signature of the wrong length. */
    static boolean ed25519(byte[] publicKey, byte[] message, byte[] signature) {
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
