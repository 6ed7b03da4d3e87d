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
