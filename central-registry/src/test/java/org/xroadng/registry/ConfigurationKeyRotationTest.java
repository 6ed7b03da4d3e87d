package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.token.Pin;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.ConfigurationSource;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.jws.SigningException;

/**
 * The registry's configuration signing key rotated while a security server's configuration client
 * follows it over HTTP: prepared, the next key is announced by configurations still signed by the
 * current one, and the client adds it to its anchor file; activated, the next key signs, the client
 * accepts it and drops the old key; a client that never saw the announcement refuses the new
 * configurations, as it must refuse any key its anchor does not name.
 */
class ConfigurationKeyRotationTest {

    @TempDir
    Path dir;

    private final Provider bc = new BouncyCastleProvider();
    private final Clock clock = Clock.systemUTC();
    private RegistryFixture registry;

    @BeforeEach
    void start() throws IOException, RegistryException, SigningException {
        registry = new RegistryFixture(dir.resolve("registry"), clock);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void preparedThenActivatedKey_isFollowedByAServerWithoutTouchingItsAnchorByHand()
            throws ConfigurationException, IOException, RegistryException, SigningException, CertificateException {
        Anchor original = withUrl(registry.home.anchor());
        Path anchorFile = dir.resolve("server-anchor.json");
        AnchorFile.write(anchorFile, original);
        ConfigurationClient server = new ConfigurationClient(original, followingRegistry(), clock, bc, null, anchorFile);
        ConfigurationClient missedTheOverlap = new ConfigurationClient(original, followingRegistry(), clock, bc, null);
        server.refresh();
        missedTheOverlap.refresh();
        assertEquals(original, server.anchor());

        X509Certificate next = restartedAfter(() -> RegistryHome.prepareNextSigningKey(registryDir(),
                Pin.of(RegistryFixture.PIN), bc, new SecureRandom(), clock));
        assertEquals(base64(next), registry.home.anchor().nextConfigurationSigningCertificate());
        assertEquals(base64(next), RegistryHome.anchor(registryDir()).nextConfigurationSigningCertificate());
        assertEquals(base64(next), server.refresh().nextConfigurationSigningCertificate());
        assertEquals(original.configurationSigningCertificate(), server.anchor().configurationSigningCertificate());
        assertEquals(base64(next), server.anchor().nextConfigurationSigningCertificate());
        assertEquals(server.anchor(), AnchorFile.read(anchorFile), "the anchor file follows");

        X509Certificate activated = restartedAfter(() -> RegistryHome.activateNextSigningKey(registryDir()));
        assertEquals(next, activated);
        assertEquals(next, registry.home.signingCertificate());
        assertTrue(Files.exists(registryDir().resolve(RegistryHome.PREVIOUS_SIGNING_CERT_FILE)));

        long version = server.refresh().version();
        assertTrue(version > 1, "a configuration signed by the next key is accepted: version " + version);
        assertEquals(base64(next), server.anchor().configurationSigningCertificate());
        assertNull(server.anchor().nextConfigurationSigningCertificate());
        assertEquals(server.anchor(), AnchorFile.read(anchorFile));
        assertEquals(registry.home.anchor().signingCertificates(), server.anchor().signingCertificates(),
                "the server trusts what the registry's own anchor names");

        ConfigurationException refused = assertThrows(ConfigurationException.class, missedTheOverlap::refresh);
        assertEquals(ConfigurationException.Reason.WRONG_SIGNER, refused.reason(), refused.getMessage());
    }

    @Test
    void prepareTwice_isRefusedAndTheFirstNextKeyStays() throws RegistryException, IOException, SigningException {
        registry.close();
        X509Certificate first = RegistryHome.prepareNextSigningKey(registryDir(), Pin.of(RegistryFixture.PIN), bc,
                new SecureRandom(), clock);

        RegistryException refused = assertThrows(RegistryException.class, () -> RegistryHome.prepareNextSigningKey(
                registryDir(), Pin.of(RegistryFixture.PIN), bc, new SecureRandom(), clock));

        assertTrue(refused.getMessage().contains("already prepared"), refused.getMessage());
        assertEquals(base64(first), RegistryHome.anchor(registryDir()).nextConfigurationSigningCertificate());
        registry = RegistryFixture.reopen(registry, clock);
    }

    @Test
    void activateWithoutAPreparedKey_isRefusedAndTheKeyStays() throws RegistryException, IOException,
            SigningException {
        X509Certificate before = registry.home.signingCertificate();
        registry.close();

        RegistryException refused = assertThrows(RegistryException.class,
                () -> RegistryHome.activateNextSigningKey(registryDir()));

        assertTrue(refused.getMessage().contains("no next configuration signing key is prepared"), refused.getMessage());
        registry = RegistryFixture.reopen(registry, clock);
        assertEquals(before, registry.home.signingCertificate());
    }

    @Test
    void prepareWithAWrongPin_isRefusedAndNothingIsPrepared() throws RegistryException, IOException,
            SigningException {
        registry.close();

        RegistryException refused = assertThrows(RegistryException.class, () -> RegistryHome.prepareNextSigningKey(
                registryDir(), Pin.of("wrong-pin"), bc, new SecureRandom(), clock));

        assertTrue(Files.notExists(registryDir().resolve(RegistryHome.NEXT_SIGNING_CERT_FILE)), refused.getMessage());
        registry = RegistryFixture.reopen(registry, clock);
    }

    /** A step done on the registry's directory while it is stopped; the registry is then started again. */
    private X509Certificate restartedAfter(RegistryStep step) throws RegistryException, IOException, SigningException {
        registry.close();
        X509Certificate result = step.run();
        registry = RegistryFixture.reopen(registry, clock);
        return result;
    }

    @FunctionalInterface
    private interface RegistryStep {
        X509Certificate run() throws RegistryException;
    }

    private Path registryDir() {
        return registry.dir;
    }

    /** Fetches from wherever the registry serves now (it listens on a new port after each restart). */
    private ConfigurationSource followingRegistry() {
        return etag -> new HttpConfigurationSource(withUrl(registry.home.anchor())).fetch(etag);
    }

    private Anchor withUrl(Anchor anchor) {
        return new Anchor(anchor.instance(), URI.create(registry.base + "/globalconf"),
                anchor.configurationSigningCertificate(), anchor.nextConfigurationSigningCertificate());
    }

    private static String base64(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
