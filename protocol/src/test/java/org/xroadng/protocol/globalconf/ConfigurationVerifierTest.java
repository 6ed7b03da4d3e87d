package org.xroadng.protocol.globalconf;

import org.xroadng.protocol.jws.SigningException;
import java.security.InvalidKeyException;
import java.security.GeneralSecurityException;
import org.bouncycastle.operator.OperatorCreationException;
import java.security.cert.CertificateEncodingException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.BC;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.INSTANCE;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.LIFETIME;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.T0;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.configuration;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationFixture.Signer;

class ConfigurationVerifierTest {

    private final Signer registry;
    private final ConfigurationVerifier verifier;

    ConfigurationVerifierTest() throws GeneralSecurityException, IOException, OperatorCreationException {
        registry = Signer.create("registry");
        verifier = new ConfigurationVerifier(registry.anchor(INSTANCE), BC);
    }

    private static ConfigurationException refused(Reason reason, Executable call) {
        ConfigurationException e = assertThrows(ConfigurationException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    /** Flips one character in the middle of the payload part, keeping it base64url. */
    static String flipPayloadByte(String compact) {
        String[] parts = compact.split("\\.");
        char[] payload = parts[1].toCharArray();
        int middle = payload.length / 2;
        payload[middle] = payload[middle] == 'A' ? 'B' : 'A';
        return parts[0] + "." + new String(payload) + "." + parts[2];
    }

    /** An HS256 token keyed with the pinned certificate, the classic algorithm-confusion forgery. */
    static String hs256Forgery(Signer registry, byte[] payload) throws CertificateEncodingException, GeneralSecurityException, InvalidKeyException, NoSuchAlgorithmException {
        String header = Base64URL.encode("{\"alg\":\"HS256\",\"x5c\":[\"" + registry.base64Certificate() + "\"]}")
                + "." + Base64URL.encode(payload);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(registry.certificate().getEncoded(), "HmacSHA256"));
        return header + "." + Base64URL.encode(mac.doFinal(header.getBytes(StandardCharsets.US_ASCII)));
    }

    static String algNone(byte[] payload) {
        return Base64URL.encode("{\"alg\":\"none\"}") + "." + Base64URL.encode(payload) + ".";
    }

    @Test
    void goodConfiguration_verifies() throws ConfigurationException, SigningException {
        GlobalConfiguration configuration = configuration(3, T0);

        assertEquals(configuration, verifier.verify(registry.sign(configuration), T0.plusSeconds(1)));
    }

    @Test
    void trailingNewline_isIgnored() throws ConfigurationException, SigningException {
        GlobalConfiguration configuration = configuration(3, T0);

        assertEquals(configuration, verifier.verify(registry.sign(configuration) + "\r\n", T0));
    }

    @Test
    void flippedPayloadByte_isBadSignature() throws SigningException {
        String tampered = flipPayloadByte(registry.sign(configuration(3, T0)));

        ConfigurationException e = refused(Reason.BAD_SIGNATURE, () -> verifier.verify(tampered, T0));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void validSignatureByAnotherKey_isWrongSigner() throws CertificateEncodingException, GeneralSecurityException, IOException, OperatorCreationException, SigningException {
        Signer other = Signer.create("registry");
        String signed = other.sign(configuration(3, T0));

        ConfigurationException e = refused(Reason.WRONG_SIGNER, () -> verifier.verify(signed, T0));
        assertEquals(AnchorFile.fingerprint(registry.certificate().getEncoded()), e.expected().orElseThrow());
        assertEquals(AnchorFile.fingerprint(other.certificate().getEncoded()), e.actual().orElseThrow());
        assertTrue(e.getMessage().contains(e.expected().get()) && e.getMessage().contains(e.actual().get()),
                e.getMessage());
    }

    @Test
    void algNone_isBadSignature() {
        String unsigned = algNone(GlobalConfigurationCodec.toJson(configuration(3, T0)));

        refused(Reason.BAD_SIGNATURE, () -> verifier.verify(unsigned, T0));
    }

    @Test
    void hs256KeyedWithPinnedCertificate_isBadSignatureNamingTheAlgorithm() throws GeneralSecurityException {
        String forged = hs256Forgery(registry, GlobalConfigurationCodec.toJson(configuration(3, T0)));

        ConfigurationException e = refused(Reason.BAD_SIGNATURE, () -> verifier.verify(forged, T0));
        assertTrue(e.getMessage().contains("HS256") && e.getMessage().contains("ES256"), e.getMessage());
    }

    @Test
    void otherInstance_isWrongInstance() throws SigningException {
        String signed = registry.sign(configuration("FI", 3, T0, "Government"));

        ConfigurationException e = refused(Reason.WRONG_INSTANCE, () -> verifier.verify(signed, T0));
        assertEquals("EE", e.expected().orElseThrow());
        assertEquals("FI", e.actual().orElseThrow());
    }

    @Test
    void nowAtExpiresAt_isExpiredNamingBothTimes() throws ConfigurationException, SigningException {
        GlobalConfiguration configuration = configuration(3, T0);
        String signed = registry.sign(configuration);
        verifier.verify(signed, T0.plus(LIFETIME).minusMillis(1));

        ConfigurationException e = refused(Reason.EXPIRED, () -> verifier.verify(signed, T0.plus(LIFETIME)));
        assertTrue(e.getMessage().contains("expired at 2030-01-01T00:10:00Z; now is 2030-01-01T00:10:00Z"),
                e.getMessage());
        refused(Reason.EXPIRED, () -> verifier.verify(signed, T0.plus(LIFETIME).plus(Duration.ofDays(1))));
    }

    @Test
    void garbage_isMalformed() {
        refused(Reason.MALFORMED, () -> verifier.verify("<html>502 Bad Gateway</html>", T0));
        refused(Reason.MALFORMED, () -> verifier.verify("", T0));
        refused(Reason.MALFORMED, () -> verifier.verify("a.b.c.d", T0));
    }

    @Test
    void signedPayloadThatIsNoConfiguration_isMalformed() throws SigningException {
        String signed = registry.jws().sign("{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));

        ConfigurationException e = refused(Reason.MALFORMED, () -> verifier.verify(signed, T0));
        assertTrue(e.getMessage().contains("not a global configuration"), e.getMessage());
    }
}
