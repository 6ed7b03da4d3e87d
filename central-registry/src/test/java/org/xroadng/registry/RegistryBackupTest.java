package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.store.DatabaseSettings;

/**
 * The registry's backup: restored with its signing key and members; refused when it is not the
 * registry the anchor pins, or changed.
 */
class RegistryBackupTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final char[] PASSPHRASE = "registry backup passphrase".toCharArray();
    private static final Pin PIN = Pin.of("registry-pin");

    private final BouncyCastleProvider bc = new BouncyCastleProvider();
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    private RegistryHome registry;
    private RegistryHome impostor;

    private RegistryHome init(String name) throws RegistryException {
        return RegistryHome.init(dir.resolve(name), new RegistrySettings("DEMO", URI.create("http://127.0.0.1:0"),
                new InetSocketAddress("127.0.0.1", 0), 3600, DatabaseSettings.embedded()), PIN, bc, random, CLOCK).home();
    }

    @BeforeEach
    void create() throws RegistryException {
        registry = init("registry");
        registry.registry().members().createMemberClass(Actor.SYSTEM, "GOV", "Government");
        impostor = init("impostor");
    }

    @AfterEach
    void close() {
        registry.close();
        impostor.close();
    }

    @Test
    void restoredRegistry_hasItsSigningKeyAndMembers() throws RegistryException {
        byte[] archive = RegistryBackup.create(dir.resolve("registry"), PIN, PASSPHRASE, bc, random, CLOCK);
        Path fresh = dir.resolve("restored");

        RegistryBackup.restore(archive, fresh, registry.anchor(), PASSPHRASE, PIN, bc, random, CLOCK);

        try (RegistryHome back = RegistryHome.open(fresh, PIN, bc, random, CLOCK)) {
            assertEquals(registry.anchor(), back.anchor());
            assertEquals(registry.registry().members().memberClasses(), back.registry().members().memberClasses());
        }
    }

    @Test
    void sameInstanceButAnotherSigningKey_isRefusedAndNothingIsWritten() throws RegistryException {
        byte[] archive = RegistryBackup.create(dir.resolve("impostor"), PIN, PASSPHRASE, bc, random, CLOCK);
        Path fresh = dir.resolve("restored");
        Anchor anchor = registry.anchor();

        RegistryException e = assertThrows(RegistryException.class, () -> RegistryBackup.restore(archive, fresh,
                anchor, PASSPHRASE, PIN, bc, random, CLOCK));

        assertTrue(e.getMessage().endsWith("it is another registry's"), e.getMessage());
        assertFalse(Files.exists(fresh));
    }

    @Test
    void oneBitChange_isRefused() throws RegistryException {
        byte[] archive = RegistryBackup.create(dir.resolve("registry"), PIN, PASSPHRASE, bc, random, CLOCK);
        archive[archive.length / 2] ^= 0x20;
        Path fresh = dir.resolve("restored");

        RegistryException e = assertThrows(RegistryException.class, () -> RegistryBackup.restore(archive, fresh,
                registry.anchor(), PASSPHRASE, PIN, bc, random, CLOCK));

        assertTrue(e.getMessage().startsWith("archive refused: the archive's signature does not verify"),
                e.getMessage());
        assertFalse(Files.exists(fresh));
    }
}
