package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.admin.AdminApi;
import org.xroadng.securityserver.registration.Registration;

/** {@code xroad server key list|delete} and {@code xroad server api-key} against a server's admin API. */
class ServerKeyCliTest {

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.create(Clock.systemUTC());
    private ServerHome home;
    private HttpApiServer api;
    private CliRunner cli;

    /** Registration is not what this test is about. */
    private static final class NoRegistry implements Registration {
        @Override
        public Filed register() {
            return new Filed(1, "authCertReg", "pending");
        }

        @Override
        public Filed registerClient(org.xroadng.protocol.id.SubsystemId client) {
            return new Filed(2, "clientReg", "pending");
        }

        @Override
        public Filed changeClient(String type, org.xroadng.protocol.id.SubsystemId client) {
            return new Filed(3, type, "pending");
        }

        @Override
        public Filed deleteAuthCertificate(java.util.Optional<java.security.cert.X509Certificate> certificate) {
            return new Filed(4, "authCertDeletion", "pending");
        }

        @Override
        public Filed changeAddress(String address) {
            return new Filed(5, "addressChange", "pending");
        }

        @Override
        public Filed changeOwner(org.xroadng.protocol.id.MemberId newOwner) {
            return new Filed(6, "ownerChange", "pending");
        }
    }

    @BeforeEach
    void start() throws IOException, ServerException, CertificateEncodingException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        ServerHome.Initialized created = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(
                SecurityServerId.parse("DEMO/GOV/1001/ss1"), anchor), Pin.of("1234"), pki.bc, pki.random, pki.clock);
        home = created.home();
        api = new AdminApi(home.settings(), home.keys(), home.store(), home.adminKeys(), new NoRegistry())
                .addTo(HttpApiServer.builder("key-cli-test")).start();
        cli = new CliRunner(Map.of(ServerCommand.URL_ENV, api.baseUri().toString().replaceAll("/$", ""),
                ServerCommand.KEY_ENV, created.adminKey().key()));
    }

    @AfterEach
    void stop() {
        api.close();
        home.close();
    }

    @Test
    void keyDelete_removesAKeyNotInUse_andRefusesTheAuthKeySayingWhy() throws ServerException, TokenException {
        String keyId = home.keys().addSigningKey(MemberId.parse("DEMO/GOV/1002"));

        CliRunner.Run listed = cli.run("server", "key", "list");
        assertEquals(0, listed.exitCode(), listed.out() + listed.err());
        assertTrue(listed.out().contains(keyId) && listed.out().contains("DEMO/GOV/1002"), listed.out());

        CliRunner.Run refused = cli.run("server", "key", "delete", home.keys().authKeyId());
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("this server's only authentication key"), refused.err());

        CliRunner.Run deleted = cli.run("server", "key", "delete", keyId);
        assertEquals(0, deleted.exitCode(), deleted.out() + deleted.err());
        assertEquals("key " + keyId + " deleted", deleted.out().strip());
        assertTrue(home.keys().keys().stream().noneMatch(k -> k.keyId().equals(keyId)));
    }

    @Test
    void apiKey_createdOnceWithItsRoles_listed_revoked() {
        CliRunner.Run created = cli.run("server", "api-key", "create", "--label", "monitoring", "--role", "observer");
        assertEquals(0, created.exitCode(), created.out() + created.err());
        assertTrue(created.out().matches("(?s)API key 2 \\(observer\\), shown once: xsk_\\S+\\s*"), created.out());
        CliRunner.Run listed = cli.run("server", "api-key", "list");
        assertTrue(listed.out().contains("monitoring") && !listed.out().contains("xsk_"), listed.out());
        CliRunner.Run badRole = cli.run("server", "api-key", "create", "--label", "x", "--role", "root");
        assertEquals(1, badRole.exitCode());
        assertTrue(badRole.err().contains("unknown role 'root'"), badRole.err());
        CliRunner.Run revoked = cli.run("server", "api-key", "revoke", "2");
        assertEquals(0, revoked.exitCode(), revoked.out() + revoked.err());
        assertEquals("API key 2 revoked", revoked.out().strip());
        assertTrue(home.adminKeys().list().get(1).revokedAt().isPresent());
    }
}
