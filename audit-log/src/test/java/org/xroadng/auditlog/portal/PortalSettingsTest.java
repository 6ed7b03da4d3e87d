package org.xroadng.auditlog.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.config.ConfigException;

class PortalSettingsTest {

    private static final String REQUIRED = """
            anchor: anchor.json
            clientProxy: http://127.0.0.1:8080
            portalSubsystem: DEMO/GOV/1000/portal
            issuer: http://127.0.0.1:8091
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("portal.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void requiredKeysOnly_getTheDocumentedDefaults() throws IOException, ConfigException {
        PortalSettings settings = PortalSettings.load(write(REQUIRED));

        assertEquals(8090, settings.listen().getPort());
        assertEquals(URI.create("http://127.0.0.1:8090"), settings.publicUrl());
        assertEquals(dir.resolve("anchor.json").toAbsolutePath(), settings.anchor());
        assertEquals("DEMO/GOV/1000/portal", settings.portalSubsystem().format());
        assertEquals("xroad-portal", settings.clientId());
        assertEquals(List.of("RS256", "ES256"), settings.allowedAlgorithms());
        assertEquals(Duration.ofSeconds(5), settings.perServerTimeout());
        assertEquals(Duration.ofSeconds(8), settings.deadline());
    }

    @Test
    void everyKey_isRead() throws IOException, ConfigException {
        PortalSettings settings = PortalSettings.load(write(REQUIRED + """
                listen: 0.0.0.0:9000
                publicUrl: https://portal.example/
                clientId: citizen-portal
                allowedAlgorithms: ES256
                perServerTimeoutMillis: 2000
                deadlineMillis: 3000
                """));

        assertEquals(URI.create("https://portal.example"), settings.publicUrl());
        assertEquals("citizen-portal", settings.clientId());
        assertEquals(List.of("ES256"), settings.allowedAlgorithms());
        assertEquals(Duration.ofSeconds(2), settings.perServerTimeout());
        assertEquals(Duration.ofSeconds(3), settings.deadline());
    }

    @Test
    void hmacAlgorithm_isRefusedNamingTheKey() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PortalSettings.load(write(REQUIRED + "allowedAlgorithms: RS256, HS256\n")));

        assertTrue(e.getMessage().contains("'allowedAlgorithms'") && e.getMessage().contains("HS256"), e.getMessage());
    }

    @Test
    void badValues_areRefusedNamingTheKey() throws IOException {
        assertTrue(assertThrows(ConfigException.class, () -> PortalSettings.load(write(REQUIRED.replace(
                "DEMO/GOV/1000/portal", "DEMO/GOV")))).getMessage().contains("'portalSubsystem'"));
        assertTrue(assertThrows(ConfigException.class, () -> PortalSettings.load(write(REQUIRED.replace(
                "http://127.0.0.1:8091", "ftp://idp")))).getMessage().contains("'issuer'"));
        assertTrue(assertThrows(ConfigException.class, () -> PortalSettings.load(write(REQUIRED
                + "perServerTimeoutMillis: 10\n"))).getMessage().contains("'perServerTimeoutMillis'"));
        assertTrue(assertThrows(ConfigException.class, () -> PortalSettings.load(write(REQUIRED
                + "perServerTimeoutMillis: 5000\ndeadlineMillis: 1000\n"))).getMessage().contains("'deadlineMillis'"));
        assertTrue(assertThrows(ConfigException.class, () -> PortalSettings.load(write(REQUIRED
                + "colour: blue\n"))).getMessage().contains("unknown key 'colour'"));
    }

    @Test
    void missingRequiredKey_isRefused() throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> PortalSettings.load(write(REQUIRED.replace("clientProxy: http://127.0.0.1:8080\n", ""))));

        assertTrue(e.getMessage().contains("'clientProxy' is missing"), e.getMessage());
    }
}
