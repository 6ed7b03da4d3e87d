package org.xroadng.certs.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;

class BackupArchiveTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final char[] PASSPHRASE = "correct horse battery".toCharArray();

    private final TestPki pki = TestPki.create(CLOCK);
    private final TestPki.Issued signer = pki.issue("ss1", CertificateKind.SERVER_AUTH, List.of(), null);

    private byte[] seal(Map<String, byte[]> files) throws BackupException {
        return BackupArchive.seal("security-server", "DEMO/GOV/1001/ss1", files, PASSPHRASE, signer.key(),
                signer.cert(), pki.random, CLOCK);
    }

    private static Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("server.yaml", "serverId: DEMO/GOV/1001/ss1\n".getBytes(StandardCharsets.UTF_8));
        files.put("tokens/hsm1.yaml", "module: /usr/lib/x.so\n".getBytes(StandardCharsets.UTF_8));
        files.put("token.p12", new byte[] {1, 2, 3});
        return files;
    }

    @Test
    void sealedArchive_opensToTheSameFilesAndNamesItsMaker() throws BackupException {
        byte[] archive = seal(files());

        BackupArchive.Verified verified = BackupArchive.verify(archive, pki.bc);
        Map<String, byte[]> opened = verified.open(PASSPHRASE);

        assertEquals("security-server", verified.header().component());
        assertEquals("DEMO/GOV/1001/ss1", verified.header().identity());
        assertEquals(CLOCK.instant(), verified.header().createdAt());
        assertEquals(signer.cert(), verified.header().signer());
        assertEquals(List.copyOf(files().keySet()), List.copyOf(opened.keySet()));
        assertArrayEquals(files().get("token.p12"), opened.get("token.p12"));
        assertTrue(new String(archive, StandardCharsets.ISO_8859_1).indexOf("serverId") < 0, "contents are encrypted");
    }

    @Test
    void anyOneBitChange_isRefusedBeforeDecrypting() throws BackupException {
        byte[] archive = seal(files());
        int refused = 0;
        // every 53rd bit over the whole file: magic, header, ciphertext, signature
        for (int bit = 0; bit < archive.length * 8; bit += 53) {
            byte[] changed = archive.clone();
            changed[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(BackupException.class, () -> BackupArchive.verify(changed, pki.bc).open(PASSPHRASE),
                    "bit " + bit);
            refused++;
        }
        assertTrue(refused > 100, "bits tried: " + refused);
    }

    @Test
    void changedCiphertext_isRefusedAsChangedAfterSigning() throws BackupException {
        byte[] archive = seal(files());
        archive[archive.length - 120] ^= 0x10;

        BackupException e = assertThrows(BackupException.class, () -> BackupArchive.verify(archive, pki.bc));

        assertTrue(e.getMessage().startsWith("the archive's signature does not verify"), e.getMessage());
    }

    @Test
    void wrongPassphrase_isRefusedSayingSo() throws BackupException {
        BackupArchive.Verified verified = BackupArchive.verify(seal(files()), pki.bc);

        BackupException e = assertThrows(BackupException.class,
                () -> verified.open("another passphrase".toCharArray()));

        assertEquals("the passphrase is not the one this archive was made with", e.getMessage());
    }

    @Test
    void shortPassphraseOrUnsafeName_isRefusedWhenSealing() {
        BackupException shortOne = assertThrows(BackupException.class, () -> BackupArchive.seal("security-server",
                "x", files(), "short".toCharArray(), signer.key(), signer.cert(), pki.random, CLOCK));
        BackupException escape = assertThrows(BackupException.class,
                () -> seal(Map.of("../server.yaml", new byte[1])));

        assertTrue(shortOne.getMessage().contains("at least 12 characters"), shortOne.getMessage());
        assertTrue(escape.getMessage().contains("cannot be a file of a backup"), escape.getMessage());
    }

    @Test
    void notAnArchive_isRefusedSayingSo() {
        BackupException e = assertThrows(BackupException.class,
                () -> BackupArchive.verify("hello".getBytes(StandardCharsets.UTF_8), pki.bc));

        assertTrue(e.getMessage().startsWith("not a backup archive"), e.getMessage());
    }
}
