package org.xroadng.securityserver;

import java.io.IOException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.config.ConfigException;
import org.xroadng.securityserver.message.MessageSignatures;
import org.xroadng.protocol.id.SecurityServerId;

class ServerSettingsTest {

    @TempDir
    Path dir;

    private ConfigException refused(String yaml) throws IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE), yaml);
        return assertThrows(ConfigException.class, () -> ServerSettings.load(dir));
    }

    @Test
    void minimalFile_getsDocumentedDefaults() throws ConfigException, IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE), "serverId: DEMO/GOV/1001/ss1\nanchor: anchor.json\nserverProxy: 0.0.0.0:5600\n");

        ServerSettings settings = ServerSettings.load(dir);

        assertEquals(SecurityServerId.parse("DEMO/GOV/1001/ss1"), settings.serverId());
        assertEquals(dir.resolve("anchor.json"), settings.anchorFile(dir));
        assertEquals(8080, settings.clientProxy().getPort());
        assertEquals("127.0.0.1:5600", settings.serverAddress());
        assertEquals(5588, settings.admin().getPort());
        assertEquals(10485760, settings.maxBodyBytes());
        assertEquals(60, settings.globalConfRefreshSeconds());
        assertEquals(300, settings.ocspRefreshSeconds());
        assertEquals(null, settings.clientProxyTls(), "no HTTPS listener unless configured");
    }

    @Test
    void resourceLimits_defaultToBoundedValues() throws ConfigException, IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE), "serverId: DEMO/GOV/1001/ss1\nanchor: anchor.json\n");

        ServerSettings settings = ServerSettings.load(dir);

        assertEquals(30, settings.idleTimeoutSeconds());
        assertEquals(10, settings.headerTimeoutSeconds());
        assertEquals(2000, settings.maxConnections());
        assertEquals(ServerSettings.AUTO, settings.maxBytesInFlight());
        assertEquals(32L * 1024 * 1024, settings.bytesInFlight(256L * 1024 * 1024), "an eighth of a 256 MB heap");
        assertEquals(10485760L, settings.bytesInFlight(16L * 1024 * 1024), "never less than one largest message");
    }

    @Test
    void resourceLimits_areReadWrittenBackAndValidated() throws ConfigException, IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE), "serverId: DEMO/GOV/1001/ss1\nanchor: anchor.json\n"
                + "idleTimeoutSeconds: 5\nheaderTimeoutSeconds: 2\nmaxConnections: 10\nmaxBytesInFlight: 20971520\n");
        ServerSettings settings = ServerSettings.load(dir);
        assertEquals(5, settings.idleTimeoutSeconds());
        assertEquals(20971520L, settings.bytesInFlight(Long.MAX_VALUE));
        settings.save(dir);
        assertEquals(settings, ServerSettings.load(dir));

        for (String bad : new String[] {"idleTimeoutSeconds: 0", "headerTimeoutSeconds: 301", "maxConnections: -1",
                "maxBytesInFlight: 1000", "maxBytesInFlight: lots"}) {
            ConfigException e = refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\n" + bad + "\n");
            String key = bad.substring(0, bad.indexOf(':'));
            assertTrue(e.getMessage().contains(key) && e.getMessage().contains(bad.substring(bad.indexOf(' ') + 1)),
                    e.getMessage());
        }
        assertTrue(refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nmaxBytesInFlight: 1000\n").getMessage()
                .contains("10485760"), "names the smallest allowed: one message of maxBodyBytes");
    }

    @Test
    void httpsListener_isReadAndWrittenBack() throws ConfigException, IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE),
                "serverId: DEMO/GOV/1001/ss1\nanchor: anchor.json\nclientProxyTls: 127.0.0.1:8443\n");
        ServerSettings settings = ServerSettings.load(dir);
        assertEquals(8443, settings.clientProxyTls().getPort());
        settings.save(dir);
        assertEquals(settings, ServerSettings.load(dir));
        ConfigException e = refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nclientProxyTls: nowhere\n");
        assertTrue(e.getMessage().contains("clientProxyTls"), e.getMessage());
    }

    @Test
    void messageSignatures_defaultsToTheDocumentedModeIsReadWrittenBackAndValidated() throws ConfigException,
            IOException {
        Files.writeString(dir.resolve(ServerSettings.FILE), "serverId: DEMO/GOV/1001/ss1\nanchor: a.json\n");
        assertEquals(ServerSettings.DEFAULT_MESSAGE_SIGNATURES, ServerSettings.load(dir).messageSignatures());

        Files.writeString(dir.resolve(ServerSettings.FILE), "serverId: DEMO/GOV/1001/ss1\nanchor: a.json\n"
                + "messageSignatures: batch\n");
        ServerSettings batch = ServerSettings.load(dir);
        assertEquals(MessageSignatures.BATCH, batch.messageSignatures());
        batch.save(dir);
        assertEquals(batch, ServerSettings.load(dir));
        assertEquals(MessageSignatures.SINGLE, batch.withMessageSignatures(MessageSignatures.SINGLE).messageSignatures());

        ConfigException e = refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nmessageSignatures: Batch\n");
        assertTrue(e.getMessage().endsWith("key 'messageSignatures' is 'Batch'; expected single or batch"),
                e.getMessage());
    }

    @Test
    void savedSettings_loadBackEqual() throws ConfigException, IOException {
        ServerSettings settings = ServerSettings.withDefaults(SecurityServerId.parse("DEMO/GOV/1001/ss1"), Path.of("anchor.json"));
        settings.save(dir);

        assertEquals(settings, ServerSettings.load(dir));
    }

    @Test
    void badServerId_namesTheKeyAndForm() throws IOException {
        ConfigException e = refused("serverId: DEMO/GOV/1001\nanchor: a.json\n");

        assertTrue(e.getMessage().contains("'serverId'") && e.getMessage().contains("INSTANCE/CLASS/MEMBER/SERVERCODE"),
                e.getMessage());
    }

    @Test
    void unknownKey_isRefusedWithTheAllowedKeys() throws IOException {
        ConfigException e = refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nclientproxy: x\n");

        assertTrue(e.getMessage().contains("unknown key 'clientproxy'") && e.getMessage().contains("clientProxy"),
                e.getMessage());
    }

    @Test
    void outOfRangeNumberAndBadAddress_areRefused() throws IOException {
        assertTrue(refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nocspRefreshSeconds: 0\n").getMessage()
                .contains("'ocspRefreshSeconds' is 0"));
        assertTrue(refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nadmin: localhost\n").getMessage()
                .contains("'admin'"));
        assertTrue(refused("serverId: DEMO/GOV/1001/ss1\nanchor: a.json\nserverAddress: host:99999\n").getMessage()
                .contains("'serverAddress'"));
    }

    @Test
    void missingAnchor_isRefused() throws IOException {
        assertTrue(refused("serverId: DEMO/GOV/1001/ss1\n").getMessage().contains("'anchor' is missing"));
    }
}
