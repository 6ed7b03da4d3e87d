package org.xroadng.certs.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.store.DatabaseSettings;

/** The CA's backup: restored with its keys and issued certificates; another CA's or a changed archive refused. */
class CaBackupTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final char[] PASSPHRASE = "ca backup passphrase".toCharArray();
    private static final Pin PIN = Pin.of("ca-pin");

    private final TestPki keys = TestPki.create(CLOCK);

    @TempDir
    Path dir;

    private CertificateAuthority ca;
    private CertificateAuthority other;

    private CertificateAuthority init(String name) throws CaException {
        return CertificateAuthority.init(dir.resolve(name), new CaSettings(name, URI.create("http://127.0.0.1:8899"),
                new InetSocketAddress("127.0.0.1", 8899), 365, DatabaseSettings.embedded()), PIN, keys.bc, keys.random,
                CLOCK);
    }

    @BeforeEach
    void create() throws CaException {
        ca = init("ca");
        other = init("other");
    }

    @AfterEach
    void close() {
        ca.close();
        other.close();
    }

    @Test
    void restoredCa_hasItsKeysCertificatesAndRecords() throws CaException {
        byte[] archive = CaBackup.create(dir.resolve("ca"), PIN, PASSPHRASE, keys.bc, keys.random, CLOCK);
        Path fresh = dir.resolve("restored");

        CaBackup.Restored restored = CaBackup.restore(archive, fresh, ca.caCertificate(), PASSPHRASE, PIN, keys.bc,
                keys.random, CLOCK);

        assertTrue(restored.files().contains("ca.mv.db"), restored.files().toString());
        try (CertificateAuthority back = CertificateAuthority.open(fresh, PIN, keys.bc, keys.random, CLOCK)) {
            assertEquals(ca.caCertificate(), back.caCertificate());
            assertEquals(ca.ocspCertificate(), back.ocspCertificate());
            assertEquals(ca.tsaCertificate(), back.tsaCertificate());
            assertEquals(ca.list().size(), back.list().size());
        }
    }

    @Test
    void anotherCasArchive_isRefusedAndNothingIsWritten() throws CaException {
        byte[] archive = CaBackup.create(dir.resolve("other"), PIN, PASSPHRASE, keys.bc, keys.random, CLOCK);
        Path fresh = dir.resolve("restored");

        CaException e = assertThrows(CaException.class, () -> CaBackup.restore(archive, fresh, ca.caCertificate(),
                PASSPHRASE, PIN, keys.bc, keys.random, CLOCK));

        assertTrue(e.getMessage().endsWith("it is another CA's"), e.getMessage());
        assertFalse(Files.exists(fresh));
    }

    @Test
    void oneBitChange_isRefused() throws CaException {
        byte[] archive = CaBackup.create(dir.resolve("ca"), PIN, PASSPHRASE, keys.bc, keys.random, CLOCK);
        archive[archive.length - 200] ^= 0x01;
        Path fresh = dir.resolve("restored");

        CaException e = assertThrows(CaException.class, () -> CaBackup.restore(archive, fresh, ca.caCertificate(),
                PASSPHRASE, PIN, keys.bc, keys.random, CLOCK));

        assertTrue(e.getMessage().startsWith("archive refused: the archive's signature does not verify"),
                e.getMessage());
        assertFalse(Files.exists(fresh));
    }
}
