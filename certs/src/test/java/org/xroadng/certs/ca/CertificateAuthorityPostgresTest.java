package org.xroadng.certs.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link CertificateAuthorityTest} with the CA's records in a real PostgreSQL database, one per test. */
class CertificateAuthorityPostgresTest extends CertificateAuthorityTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    @Test
    void caYaml_namesThePostgresDatabase_andReopensFromIt() throws IOException {
        String yaml = Files.readString(dir.resolve("ca").resolve(CaSettings.FILE));
        assertTrue(yaml.contains("databaseUrl: \"" + storage().url().orElseThrow() + "\""), yaml);
        assertTrue(yaml.contains("databaseUser: \"xroad\""), yaml);
        assertTrue(!yaml.contains(TestPostgres.PASSWORD), "the password stays in its file");
        assertTrue(Files.notExists(dir.resolve("ca").resolve("ca.mv.db")), "no H2 file beside it");
    }

    @Test
    void wrongPassword_refusedAtInit_andNothingWritten() throws IOException {
        Path password = Files.writeString(dir.resolve("wrong"), "wrong password");
        DatabaseSettings wrong = DatabaseSettings.postgresql(storage().url().orElseThrow(), TestPostgres.ROLE, password,
                "ca.yaml");
        Path other = dir.resolve("other-ca");
        CaException refused = assertThrows(CaException.class, () -> CertificateAuthority.init(other,
                new CaSettings("Other CA", URI.create("http://127.0.0.1:8898"), new InetSocketAddress("127.0.0.1", 8898),
                        365, wrong), Pin.of("ca-pin"), keys.bc, keys.random, keys.clock));
        assertTrue(refused.getMessage().startsWith("ca.yaml: key 'databasePasswordFile': PostgreSQL refused the"
                + " password of role 'xroad'"), refused.getMessage());
        try (Stream<Path> files = Files.exists(other) ? Files.list(other) : Stream.empty()) {
            assertEquals(List.of(), files.toList(), "no token, no certificate, no settings");
        }
    }
}
