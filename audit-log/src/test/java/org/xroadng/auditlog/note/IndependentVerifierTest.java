package org.xroadng.auditlog.note;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What we produce verifies with a verifier written here straight from C2SP signed-note,
 * tlog-checkpoint and tlog-cosignature, sharing none of our code: its own parsing, its own key id
 * arithmetic and the JDK's own Ed25519 (SunEC), where ours uses Bouncy Castle.
 */
class IndependentVerifierTest {

    private static final byte[] SEED = HexFormat.of().parseHex(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    @Test
    void ourCheckpointAndCosignature_verifyWithAnIndependentVerifier()
            throws NoteFormatException, GeneralSecurityException {
        NoteSigner log = NoteSigner.fromSecretText(secret("DEMO/GOV/1001/ss1/access-log", (byte) 0x01));
        Cosigner witness = Cosigner.fromSecretText(secret("witness.example.org/w1", (byte) 0x04));
        byte[] root = MessageDigest.getInstance("SHA-256").digest("tree".getBytes(StandardCharsets.UTF_8));
        Checkpoint checkpoint = new Checkpoint("DEMO/GOV/1001/ss1/access-log", 42, root);
        SignedNote note = log.signNote(checkpoint.text());
        note = note.withSignatures(List.of(witness.cosign(note.text(), Instant.ofEpochSecond(1_700_000_000L))));
        String wire = note.format();

        assertTrue(Independent.verifyNote(wire, log.verifierKey().format()));
        assertEquals(1_700_000_000L, Independent.verifyCosignature(wire, witness.verifierKey().format()));
        String[] lines = wire.split("\n");
        assertEquals("DEMO/GOV/1001/ss1/access-log", lines[0]);
        assertEquals("42", lines[1]);
        assertEquals(Base64.getEncoder().encodeToString(root), lines[2]);

        String tampered = wire.replaceFirst("\n42\n", "\n43\n");
        assertFalse(Independent.verifyNote(tampered, log.verifierKey().format()));
        assertEquals(-1, Independent.verifyCosignature(tampered, witness.verifierKey().format()));
    }

    @Test
    void goReferenceNote_verifiesWithTheIndependentVerifierToo() throws GeneralSecurityException {
        assertTrue(Independent.verifyNote(SignedNoteTest.GO_NOTE, SignedNoteTest.GO_VKEY));
    }

    private static String secret(String name, byte type) throws GeneralSecurityException {
        // the public key is derived by our code here only to build the key id of the test's fixture
        byte[] material = new byte[33];
        material[0] = type;
        System.arraycopy(SEED, 0, material, 1, 32);
        String draft = "PRIVATE+KEY+" + name + "+00000000+" + Base64.getEncoder().encodeToString(material);
        try {
            PrivateNoteKey.parse(draft, type);
            return draft;
        } catch (NoteFormatException e) {
            String id = e.getMessage().replaceAll(".*expected key id ([0-9a-f]{8}).*", "$1");
            return draft.replace("+00000000+", "+" + id + "+");
        }
    }

    /** A minimal verifier from the specifications' text alone. */
    private static final class Independent {

        /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4). */
        private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

        static boolean verifyNote(String note, String vkey) throws GeneralSecurityException {
            String[] key = vkey.split("\\+", 3);
            byte[] material = Base64.getDecoder().decode(key[2]);
            if (material[0] != 0x01 || !key[1].equals(keyId(key[0], material))) {
                return false;
            }
            int split = note.lastIndexOf("\n\n");
            String text = note.substring(0, split + 1);
            for (String line : note.substring(split + 2).split("\n")) {
                String prefix = "\u2014 " + key[0] + " ";
                if (!line.startsWith(prefix)) {
                    continue;
                }
                byte[] blob = Base64.getDecoder().decode(line.substring(prefix.length()));
                if (!HexFormat.of().formatHex(blob, 0, 4).equals(key[1])) {
                    continue;
                }
                return ed25519(material, text.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(blob, 4, blob.length));
            }
            return false;
        }

        /** The cosignature's timestamp when it verifies, else -1. */
        static long verifyCosignature(String note, String vkey) throws GeneralSecurityException {
            String[] key = vkey.split("\\+", 3);
            byte[] material = Base64.getDecoder().decode(key[2]);
            if (material[0] != 0x04 || !key[1].equals(keyId(key[0], material))) {
                return -1;
            }
            int split = note.lastIndexOf("\n\n");
            String text = note.substring(0, split + 1);
            for (String line : note.substring(split + 2).split("\n")) {
                String prefix = "\u2014 " + key[0] + " ";
                if (!line.startsWith(prefix)) {
                    continue;
                }
                byte[] blob = Base64.getDecoder().decode(line.substring(prefix.length()));
                long time = ByteBuffer.wrap(blob, 4, 8).getLong();
                String message = "cosignature/v1\ntime " + time + "\n" + text;
                if (ed25519(material, message.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(blob, 12, blob.length))) {
                    return time;
                }
            }
            return -1;
        }

        private static String keyId(String name, byte[] typeAndKey) throws GeneralSecurityException {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((name + "\n").getBytes(StandardCharsets.UTF_8));
            sha.update(typeAndKey);
            return HexFormat.of().formatHex(sha.digest(), 0, 4);
        }

        private static boolean ed25519(byte[] typeAndKey, byte[] message, byte[] signature)
                throws GeneralSecurityException {
            byte[] spki = new byte[SPKI_PREFIX.length + 32];
            System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
            System.arraycopy(typeAndKey, 1, spki, SPKI_PREFIX.length, 32);
            PublicKey publicKey = KeyFactory.getInstance("Ed25519", "SunEC").generatePublic(new X509EncodedKeySpec(spki));
            Signature verifier = Signature.getInstance("Ed25519", "SunEC");
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        }
    }
}
