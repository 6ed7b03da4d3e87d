package org.xroadng.protocol.globalconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.BC;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.INSTANCE;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.T0;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import org.bouncycastle.operator.OperatorCreationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.globalconf.ConfigurationClientTest.ScriptedSource;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationFixture.MutableClock;
import org.xroadng.protocol.globalconf.ConfigurationFixture.Signer;
import org.xroadng.protocol.jws.SigningException;

/**
 * Rotation of the registry's configuration signing key as a security server lives it: a
 * configuration signed by the current key announces the next; from then on configurations signed
 * by either are accepted; the first signed by the next key ends the overlap, and the old key is
 * refused afterwards. Each step is written to the anchor file, so a restart trusts the same keys.
 */
class SigningKeyRotationTest {

    @TempDir
    Path dir;

    private final Signer current;
    private final Signer next;
    private final Signer stranger;
    private final MutableClock clock = new MutableClock(T0.plusSeconds(1));
    private final ScriptedSource source = new ScriptedSource();

    SigningKeyRotationTest() throws GeneralSecurityException, OperatorCreationException, IOException {
        current = Signer.create("registry key 1");
        next = Signer.create("registry key 2");
        stranger = Signer.create("someone else");
    }

    @Test
    void nextKey_announcedByTheCurrentKey_isTrustedDuringTheOverlapThenReplacesIt()
            throws GeneralSecurityException, SigningException, ConfigurationException {
        Path anchorFile = dir.resolve("anchor.json");
        Anchor original = current.anchor(INSTANCE);
        ConfigurationClient client = new ConfigurationClient(original, source, clock, BC, null, anchorFile);

        source.then(current.sign(announcing(5, next.base64Certificate())), "\"v5\"");
        client.refresh();
        assertEquals(current.base64Certificate(), client.anchor().configurationSigningCertificate());
        assertEquals(next.base64Certificate(), client.anchor().nextConfigurationSigningCertificate());
        assertEquals(client.anchor(), AnchorFile.read(anchorFile));

        source.then(current.sign(announcing(6, next.base64Certificate())), "\"v6\"");
        assertEquals(6, client.refresh().version(), "the current key still signs during the overlap");

        source.then(next.sign(configuration(7, T0)), "\"v7\"");
        assertEquals(7, client.refresh().version(), "the next key signs");
        assertEquals(next.base64Certificate(), client.anchor().configurationSigningCertificate());
        assertNull(client.anchor().nextConfigurationSigningCertificate());
        assertEquals(client.anchor(), AnchorFile.read(anchorFile));

        source.then(current.sign(configuration(8, T0)), "\"v8\"");
        ConfigurationException refused = assertThrows(ConfigurationException.class, client::refresh);
        assertEquals(Reason.WRONG_SIGNER, refused.reason(), refused.getMessage());
        assertEquals(7, client.current().version());
    }

    @Test
    void configurationSignedByTheNextKey_isAcceptedWhenTheAnchorNamesIt()
            throws GeneralSecurityException, SigningException, ConfigurationException {
        Anchor overlap = new Anchor(INSTANCE, current.anchor(INSTANCE).downloadUrl(), current.base64Certificate(),
                next.base64Certificate());

        GlobalConfiguration verified = new ConfigurationVerifier(overlap, BC).verify(next.sign(configuration(3, T0)),
                clock.instant());

        assertEquals(3, verified.version());
    }

    @Test
    void configurationSignedByAnUnknownKey_isRefusedNamingBothTrustedKeys()
            throws GeneralSecurityException, SigningException {
        Anchor overlap = new Anchor(INSTANCE, current.anchor(INSTANCE).downloadUrl(), current.base64Certificate(),
                next.base64Certificate());

        ConfigurationException refused = assertThrows(ConfigurationException.class, () ->
                new ConfigurationVerifier(overlap, BC).verify(stranger.sign(configuration(3, T0)), clock.instant()));

        assertEquals(Reason.WRONG_SIGNER, refused.reason());
        assertTrue(refused.getMessage().contains(" or "), refused.getMessage());
    }

    @Test
    void unknownKeyAnnouncingItselfAsNext_cannotStartARotation()
            throws GeneralSecurityException, SigningException, ConfigurationException {
        ConfigurationClient client = new ConfigurationClient(current.anchor(INSTANCE), source, clock, BC, null,
                dir.resolve("anchor.json"));

        source.then(stranger.sign(announcing(5, stranger.base64Certificate())), "\"v5\"");

        assertEquals(Reason.WRONG_SIGNER, assertThrows(ConfigurationException.class, client::refresh).reason());
        assertEquals(current.anchor(INSTANCE), client.anchor());
        assertTrue(Files.notExists(dir.resolve("anchor.json")), "nothing is written for a refused configuration");
    }

    @Test
    void rotationWithdrawn_dropsTheAnnouncedKey() throws GeneralSecurityException, SigningException,
            ConfigurationException {
        ConfigurationClient client = new ConfigurationClient(current.anchor(INSTANCE), source, clock, BC, null, null);
        source.then(current.sign(announcing(5, next.base64Certificate())), "\"v5\"");
        client.refresh();

        source.then(current.sign(configuration(6, T0)), "\"v6\"");
        client.refresh();

        assertEquals(current.anchor(INSTANCE), client.anchor());
        source.then(next.sign(configuration(7, T0)), "\"v7\"");
        assertEquals(Reason.WRONG_SIGNER, assertThrows(ConfigurationException.class, client::refresh).reason());
    }

    @Test
    void anchorFileWithANextCertificate_roundTripsAndABadOneIsRefusedByName()
            throws GeneralSecurityException, IOException, ConfigurationException {
        Path file = dir.resolve("anchor.json");
        Anchor overlap = new Anchor(INSTANCE, current.anchor(INSTANCE).downloadUrl(), current.base64Certificate(),
                next.base64Certificate());
        AnchorFile.write(file, overlap);
        assertEquals(overlap, AnchorFile.read(file));

        Files.writeString(file, Files.readString(file).replace(next.base64Certificate(), "bm90IGEgY2VydA=="));
        ConfigurationException bad = assertThrows(ConfigurationException.class, () -> AnchorFile.read(file));
        assertEquals(Reason.BAD_ANCHOR, bad.reason());
        assertTrue(bad.getMessage().contains("field 'nextConfigurationSigningCertificate' is not a base64 DER X.509"),
                bad.getMessage());
    }

    private static GlobalConfiguration announcing(long version, String nextCertificate) {
        GlobalConfiguration plain = configuration(version, T0);
        return new GlobalConfiguration(plain.instance(), plain.version(), plain.generatedAt(), plain.expiresAt(),
                plain.memberClasses(), plain.members(), plain.securityServers(), plain.globalGroups(),
                plain.approvedCas(), plain.approvedTsas(), plain.settings(), plain.transparency(), nextCertificate);
    }
}
