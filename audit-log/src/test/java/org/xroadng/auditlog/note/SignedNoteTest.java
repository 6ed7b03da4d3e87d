package org.xroadng.auditlog.note;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Known answers: the signed-note example of the Go reference implementation
 * (golang.org/x/mod/sumdb/note, the key pair and note used throughout its documentation and by every
 * port of it) and the example notes of C2SP signed-note and tlog-checkpoint. The C2SP examples come
 * without their public keys, so for them the form (text, names, key ids) is what is checked.
 */
class SignedNoteTest {

    static final String GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String GO_TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    static final String GO_NOTE = GO_TEXT + "\n"
            + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    static final String SPEC_NOTE = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\n"
            + "ed \u00e8 subito sera.\n\n\u2014 quasimodo.example/salvatore"
            + " NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

    @Test
    void goReferenceKey_parsesWithItsKeyId() throws NoteFormatException {
        NoteVerifierKey key = NoteVerifierKey.parse(GO_VKEY);
        assertEquals("PeterNeumann", key.name());
        assertEquals(0xc74f20a3, key.keyId());
        assertEquals(NoteVerifierKey.ED25519, key.type());
        assertEquals(GO_VKEY, key.format());
    }

    @Test
    void goReferenceNote_verifiesWithItsKey() throws NoteFormatException, NoteVerificationException {
        SignedNote note = SignedNote.parse(GO_NOTE);
        assertEquals(GO_TEXT, note.text());
        NoteVerifierKey key = NoteVerifierKey.parse(GO_VKEY);
        assertEquals(Set.of(key), NoteVerifier.verify(note, List.of(key)));
        assertEquals(GO_NOTE, note.format());
    }

    @Test
    void goReferenceSecretKey_signsByteForByteAsPublished() throws NoteFormatException {
        NoteSigner signer = NoteSigner.fromSecretText(GO_SKEY);
        assertEquals(GO_VKEY, signer.verifierKey().format());
        assertEquals(GO_NOTE, signer.signNote(GO_TEXT).format());
        assertEquals(GO_SKEY, signer.secretText());
    }

    @Test
    void changedText_isRejected() throws NoteFormatException {
        SignedNote note = SignedNote.parse(GO_NOTE.replace("cryptography", "cryptographY"));
        NoteVerificationException e = assertThrows(NoteVerificationException.class,
                () -> NoteVerifier.verify(note, List.of(NoteVerifierKey.parse(GO_VKEY))));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void noTrustedSignature_isRejectedNamingExpectedAndFound() throws NoteFormatException {
        SignedNote note = SignedNote.parse(GO_NOTE);
        NoteVerifierKey other = NoteSigner.generate("someone.example/log", new SecureRandom()).verifierKey();
        NoteVerificationException e = assertThrows(NoteVerificationException.class,
                () -> NoteVerifier.verify(note, List.of(other)));
        assertTrue(e.getMessage().contains("someone.example/log") && e.getMessage().contains("PeterNeumann+c74f20a3"),
                e.getMessage());
    }

    @Test
    void unknownSignatures_areIgnoredWhenATrustedOneVerifies() throws NoteFormatException, NoteVerificationException {
        NoteSigner stranger = NoteSigner.generate("PeterNeumann", new SecureRandom()); // same name, other id
        SignedNote note = SignedNote.parse(GO_NOTE).withSignatures(List.of(stranger.sign(GO_TEXT)));
        NoteVerifierKey key = NoteVerifierKey.parse(GO_VKEY);
        assertEquals(Set.of(key), NoteVerifier.verify(SignedNote.parse(note.format()), List.of(key)));
    }

    @Test
    void specSignedNoteExample_splitsAtTheLastBlankLine() throws NoteFormatException {
        SignedNote note = SignedNote.parse(SPEC_NOTE);
        assertEquals("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n",
                note.text());
        assertEquals(1, note.signatures().size());
        NoteSignature signature = note.signatures().get(0);
        assertEquals("quasimodo.example/salvatore", signature.name());
        assertEquals(0x367ba04b, signature.keyId());
        assertEquals(64, signature.signature().length);
        assertEquals(SPEC_NOTE, note.format());
    }

    @Test
    void specCheckpointExample_parses() throws NoteFormatException {
        String text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        SignedNote note = SignedNote.parse(text + "\n\u2014 example.com/behind-the-sofa"
                + " Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n");
        Checkpoint checkpoint = Checkpoint.parse(note.text());
        assertEquals("example.com/behind-the-sofa", checkpoint.origin());
        assertEquals(20852163L, checkpoint.size());
        assertArrayEquals(Base64.getDecoder().decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
                checkpoint.rootHash());
        assertEquals(text, checkpoint.text());
    }

    @Test
    void specCosignatureExample_carriesTheSpecsTimestamp() throws NoteFormatException {
        SignedNote note = SignedNote.parse("example.com/behind-the-sofa\n20852163\n"
                + "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u2014 example.com/behind-the-sofa"
                + " Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
                + "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2"
                + "oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");
        NoteSignature cosignature = note.signatures().get(1);
        assertEquals("witness.example.com/w1", cosignature.name());
        assertEquals(72, cosignature.signature().length);
        // tlog-cosignature's example signed message says "time 1679315147"
        assertEquals(1679315147L, Cosignatures.unverifiedTimestamp(cosignature));
    }

    @Test
    void malformedNotes_areRefusedSayingWhatIsWrong() {
        assertRefused("no blank line", "a\n\u2014 k AAAAAAA=\n");
        assertRefused("at least one signature line", "a\n\n");
        assertRefused("no final newline", "a\n\n\u2014 k AAAAAAA=");
        assertRefused("signature line", "a\n\n- k AAAAAAA=\n");
        assertRefused("base64", "a\n\n\u2014 k ###\n");
        assertRefused("4-byte key id", "a\n\n\u2014 k AAAA\n");
        assertRefused("control characters", "a\tb\n\n\u2014 k AAAAAAA=\n");
        assertRefused("without spaces", "a\n\n\u2014 k+x AAAAAAA=\n");
        NoteFormatException utf8 = assertThrows(NoteFormatException.class,
                () -> SignedNote.parse(new byte[] {'a', (byte) 0xff, '\n', '\n'}));
        assertTrue(utf8.getMessage().contains("UTF-8"), utf8.getMessage());
    }

    @Test
    void malformedVerifierKeys_areRefused() {
        for (String bad : List.of("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
                "PeterNeumann+c74f20a3+Bxpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "PeterNeumann")) {
            assertThrows(NoteFormatException.class, () -> NoteVerifierKey.parse(bad), bad);
        }
    }

    @Test
    void malformedCheckpoints_areRefused() {
        String root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        for (String bad : List.of("o\n1\n", "o\n01\n" + root + "\n", "o\n-1\n" + root + "\n", "\n1\n" + root + "\n",
                "o\n1\nAAAA\n", "o\n1\n" + root + "\n\n", "o\n99999999999999999999\n" + root + "\n")) {
            assertThrows(NoteFormatException.class, () -> Checkpoint.parse(bad), bad);
        }
    }

    private static void assertRefused(String expectedWords, String note) {
        NoteFormatException e = assertThrows(NoteFormatException.class, () -> SignedNote.parse(note));
        assertTrue(e.getMessage().contains(expectedWords), e.getMessage());
    }
}
