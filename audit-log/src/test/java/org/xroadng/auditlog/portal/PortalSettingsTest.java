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
    @Test
    void witnessesAndQuorum_areRead() throws IOException, ConfigException, org.xroadng.auditlog.note.NoteFormatException {
        java.security.SecureRandom random = new java.security.SecureRandom();
        String a = org.xroadng.auditlog.note.Cosigner.generate("a.example/w", random).verifierKey().format();
        String b = org.xroadng.auditlog.note.Cosigner.generate("b.example/w", random).verifierKey().format();
        String c = org.xroadng.auditlog.note.Cosigner.generate("c.example/w", random).verifierKey().format();

        PortalSettings all = PortalSettings.load(write(REQUIRED + "witnesses: " + a + ", " + b + ", " + c + "\n"));
        assertEquals(3, all.witnessPolicy().quorum(), "all of them by default");
        PortalSettings two = PortalSettings.load(write(REQUIRED + "witnesses: " + a + "," + b + "," + c
                + "\nwitnessQuorum: 2\n"));
        assertEquals(2, two.witnessPolicy().quorum());
        assertEquals(List.of("a.example/w", "b.example/w", "c.example/w"),
                two.witnessPolicy().witnesses().stream().map(k -> k.name()).toList());
        assertEquals(0, PortalSettings.load(write(REQUIRED)).witnessPolicy().quorum(), "none: the registry's list");
    }

    @Test
    void badWitnesses_areRefusedNamingTheKey() throws IOException, org.xroadng.auditlog.note.NoteFormatException {
        String log = org.xroadng.auditlog.note.NoteSigner.generate("log.example/l", new java.security.SecureRandom())
                .verifierKey().format();
        ConfigException garbled = assertThrows(ConfigException.class,
                () -> PortalSettings.load(write(REQUIRED + "witnesses: nonsense\n")));
        assertTrue(garbled.getMessage().contains("key 'witnesses' holds 'nonsense'"), garbled.getMessage());
        ConfigException notCosigner = assertThrows(ConfigException.class,
                () -> PortalSettings.load(write(REQUIRED + "witnesses: " + log + "\n")));
        assertTrue(notCosigner.getMessage().contains("type 0x04"), notCosigner.getMessage());
        String w = org.xroadng.auditlog.note.Cosigner.generate("w.example/w", new java.security.SecureRandom())
                .verifierKey().format();
        ConfigException quorum = assertThrows(ConfigException.class,
                () -> PortalSettings.load(write(REQUIRED + "witnesses: " + w + "\nwitnessQuorum: 2\n")));
        assertTrue(quorum.getMessage().contains("witnessQuorum"), quorum.getMessage());
    }
}
