package org.xroadng.securityserver.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.conf.LocalClient;

/** A security server's backup: restored whole on a fresh directory, refused when changed or another server's. */
class ServerBackupTest {

    static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");
    static final SecurityServerId OTHER = SecurityServerId.parse("DEMO/GOV/1002/ss1");
    static final SubsystemId CLIENT = SERVER.owner().subsystem("population");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    static final char[] PASSPHRASE = "backup passphrase 1".toCharArray();
    static final Pin PIN = Pin.of("1234");

    final TestPki pki = TestPki.create(CLOCK);

    @TempDir
    Path dir;

    ServerHome home;
    ServerHome other;

    @BeforeEach
    void create() throws IOException, GeneralSecurityException, ServerException, TokenException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        home = certified(ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(SERVER, anchor), PIN, pki.bc,
                pki.random, CLOCK).home(), SERVER);
        home.store().addClient(CLIENT, LocalClient.IsAuthentication.HTTP, Set.of());
        other = certified(ServerHome.init(dir.resolve("other"), ServerSettings.withDefaults(OTHER, anchor), PIN, pki.bc,
                pki.random, CLOCK).home(), OTHER);
    }

    @AfterEach
    void close() {
        home.close();
        other.close();
    }

    /** Has the test CA certify the server's authentication key, as the CA would from its CSR. */
    private ServerHome certified(ServerHome server, SecurityServerId id) throws IOException, GeneralSecurityException,
            ServerException, TokenException {
        var csr = Pem.csr(server.keys().csr(server.keys().authKeyId()).getBytes(StandardCharsets.US_ASCII));
        X509Certificate auth = pki.issuer.issue(new X500Name("CN=" + id.format()),
                new JcaPKCS10CertificationRequest(csr).getPublicKey(), CertificateKind.SERVER_AUTH, Duration.ofDays(30),
                List.of(new GeneralName(GeneralName.uniformResourceIdentifier, CertificateProfile.AUTH.uriFor(id)),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")), "http://127.0.0.1:1/ocsp");
        server.keys().importCertificate(List.of(auth, pki.ca.cert()));
        return server;
    }

    private ServerBackup.Restored restore(byte[] archive, Path target, SecurityServerId expected) throws ServerException {
        return ServerBackup.restore(archive, target, expected, PASSPHRASE, PIN, name -> Optional.empty(), pki.bc,
                pki.random, CLOCK);
    }

    @Test
    void restoreOnAFreshDirectory_bringsBackTheIdentityKeysAndConfiguration() throws ServerException {
        byte[] archive = ServerBackup.create(home, PASSPHRASE, pki.bc, pki.random, CLOCK);
        Path fresh = dir.resolve("restored");

        ServerBackup.Restored restored = restore(archive, fresh, SERVER);

        assertEquals(SERVER, restored.serverId());
        assertTrue(restored.files().containsAll(List.of("server.yaml", "anchor.json", "token.p12", "server.mv.db")),
                restored.files().toString());
        try (ServerHome back = ServerHome.open(fresh, PIN, pki.bc, pki.random, CLOCK)) {
            assertEquals(SERVER, back.settings().serverId());
            assertEquals(home.keys().authKeyId(), back.keys().authKeyId());
            assertEquals(home.keys().authCertificate(), back.keys().authCertificate());
            assertEquals(home.keys().keys(), back.keys().keys());
            assertTrue(back.store().clients().stream().anyMatch(c -> c.id().equals(CLIENT)));
            assertEquals(home.anchor(), back.anchor());
        }
        assertFalse(Files.exists(dir.resolve("restored.restoring")));
    }

    @Test
    void acmeSettings_areInTheArchive_andRestored() throws ServerException, java.io.IOException {
        String acme = "directoryUrl: http://127.0.0.1:8899/acme/directory\neabKeyId: kid-1\n"
                + "eabHmacKey: " + "A".repeat(43) + "\n";
        Files.writeString(home.dir().resolve(org.xroadng.securityserver.keys.AcmeSettings.FILE), acme);
        byte[] archive = ServerBackup.create(home, PASSPHRASE, pki.bc, pki.random, CLOCK);
        Path fresh = dir.resolve("restored");

        ServerBackup.Restored restored = restore(archive, fresh, SERVER);

        assertTrue(restored.files().contains("acme.yaml"), restored.files().toString());
        assertEquals(acme, Files.readString(fresh.resolve("acme.yaml")));
        try (ServerHome back = ServerHome.open(fresh, PIN, pki.bc, pki.random, CLOCK)) {
            assertEquals("kid-1", back.renewal().orElseThrow().settings().eab().keyId());
        }
    }

    @Test
    void oneBitChange_isRefusedAndNothingIsWritten() throws ServerException {
        byte[] archive = ServerBackup.create(home, PASSPHRASE, pki.bc, pki.random, CLOCK);
        archive[archive.length / 2] ^= 0x04;
        Path fresh = dir.resolve("restored");

        ServerException e = assertThrows(ServerException.class, () -> restore(archive, fresh, SERVER));

        assertTrue(e.getMessage().startsWith("archive refused: the archive's signature does not verify"),
                e.getMessage());
        assertFalse(Files.exists(fresh));
    }

    @Test
    void anotherServersArchive_isRefusedNamingBoth() throws ServerException {
        byte[] archive = ServerBackup.create(other, PASSPHRASE, pki.bc, pki.random, CLOCK);
        Path fresh = dir.resolve("restored");

        ServerException e = assertThrows(ServerException.class, () -> restore(archive, fresh, SERVER));

        assertEquals("the archive is a backup of security server DEMO/GOV/1002/ss1, not of DEMO/GOV/1001/ss1;"
                + " restore each server from its own archive", e.getMessage());
        assertFalse(Files.exists(fresh));
    }

    @Test
    void wrongPassphraseOrWrongPin_isRefusedAndNothingIsWritten() throws ServerException {
        byte[] archive = ServerBackup.create(home, PASSPHRASE, pki.bc, pki.random, CLOCK);
        Path fresh = dir.resolve("restored");

        ServerException passphrase = assertThrows(ServerException.class, () -> ServerBackup.restore(archive, fresh,
                SERVER, "not the passphrase".toCharArray(), PIN, name -> Optional.empty(), pki.bc, pki.random, CLOCK));
        ServerException pin = assertThrows(ServerException.class, () -> ServerBackup.restore(archive, fresh,
                SERVER, PASSPHRASE, Pin.of("9999"), name -> Optional.empty(), pki.bc, pki.random, CLOCK));

        assertEquals("archive refused: the passphrase is not the one this archive was made with",
                passphrase.getMessage());
        assertTrue(pin.getMessage().contains("wrong PIN"), pin.getMessage());
        assertFalse(Files.exists(fresh));
        assertFalse(Files.exists(dir.resolve("restored.restoring")));
    }

    @Test
    void nonEmptyDirectory_isRefused() throws ServerException, IOException {
        byte[] archive = ServerBackup.create(home, PASSPHRASE, pki.bc, pki.random, CLOCK);
        Path occupied = Files.createDirectories(dir.resolve("occupied"));
        Files.writeString(occupied.resolve("notes.txt"), "mine");

        ServerException e = assertThrows(ServerException.class, () -> restore(archive, occupied, SERVER));

        assertEquals(ServerException.Kind.CONFLICT, e.kind());
        assertEquals(List.of(occupied.resolve("notes.txt")), Files.list(occupied).toList());
    }

    @Test
    void serverWithoutAuthCertificate_isNotBackedUp() throws ServerException {
        try (ServerHome fresh = ServerHome.init(dir.resolve("uncertified"), home.settings(), PIN, pki.bc, pki.random,
                CLOCK).home()) {
            ServerException e = assertThrows(ServerException.class,
                    () -> ServerBackup.create(fresh, PASSPHRASE, pki.bc, pki.random, CLOCK));

            assertTrue(e.getMessage().startsWith("the server has no authentication certificate yet"), e.getMessage());
        }
    }
}
