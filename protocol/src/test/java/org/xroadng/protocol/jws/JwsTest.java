package org.xroadng.protocol.jws;

import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertificateException;
import org.bouncycastle.operator.OperatorCreationException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.util.Base64URL;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class JwsTest {

    private static final Provider BC = new BouncyCastleProvider();

    private static KeyPair keyPair(String curve) throws InvalidAlgorithmParameterException, NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair keys, String algorithm) throws CertificateException, IOException, OperatorCreationException {
        var holder = new JcaX509v3CertificateBuilder(new X500Name("CN=signer"), BigInteger.ONE,
                new Date(0), new Date(4_000_000_000_000L), new X500Name("CN=signer"), keys.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(keys.getPrivate()));
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
    }

    private final KeyPair keys;
    private final X509Certificate cert;
    private final JwsSigner signer;
    private final JwsVerifier verifier = new JwsVerifier(BC);

    JwsTest() throws CertificateException, IOException, InvalidAlgorithmParameterException, NoSuchAlgorithmException, OperatorCreationException {
        keys = keyPair("secp256r1");
        cert = selfSigned(keys, "SHA256withECDSA");
        signer = new JwsSigner(new JcaSigningKey("k1", keys.getPrivate(), keys.getPublic(), BC), List.of(cert));
    }

    @Test
    void signedPayload_verifiesWithCertificateAndParams() throws JwsVerificationException, SigningException {
        byte[] payload = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        String jws = signer.sign(payload, Map.of("ocsp", "AAEC"));

        VerifiedJws verified = verifier.verify(jws);

        assertArrayEquals(payload, verified.payload());
        assertEquals(cert, verified.signer());
        assertEquals("AAEC", verified.param("ocsp"));
    }

    @Test
    void jdkProviderSignature_verifiesWithBouncyCastle() throws JwsVerificationException, SigningException {
        JwsSigner jdk = new JwsSigner(new JcaSigningKey("k1", keys.getPrivate(), keys.getPublic(),
                java.security.Security.getProvider("SunEC")), List.of(cert));
        assertArrayEquals("x".getBytes(), verifier.verify(jdk.sign("x".getBytes())).payload());
    }

    @Test
    void alteredPayload_isRefused() throws SigningException {
        String[] parts = signer.sign("{\"amount\":1}".getBytes()).split("\\.");
        String forged = parts[0] + "." + Base64URL.encode("{\"amount\":9}") + "." + parts[2];

        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(forged));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void algNone_isRefusedBeforeAnyCrypto() {
        String header = Base64URL.encode("{\"alg\":\"none\"}").toString();
        String unsigned = header + "." + Base64URL.encode("{}") + ".";
        assertThrows(JwsVerificationException.class, () -> verifier.verify(unsigned));
    }

    @Test
    void hs256_isRefusedWithTheAlgorithmNamed() {
        String header = Base64URL.encode("{\"alg\":\"HS256\"}").toString();
        String forged = header + "." + Base64URL.encode("{}") + "." + Base64URL.encode(new byte[32]);
        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(forged));
        assertEquals("signature algorithm is HS256; expected ES256", e.getMessage());
    }

    @Test
    void missingCertificateChain_isRefused() {
        String header = Base64URL.encode("{\"alg\":\"ES256\"}").toString();
        String jws = header + "." + Base64URL.encode("{}") + "." + Base64URL.encode(new byte[64]);
        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(jws));
        assertTrue(e.getMessage().contains("no x5c"), e.getMessage());
    }

    @Test
    void garbage_isRefusedAsNotAJws() {
        assertThrows(JwsVerificationException.class, () -> verifier.verify("not-a-jws"));
        assertThrows(JwsVerificationException.class, () -> verifier.verify(""));
    }

    @Test
    void signerWithForeignCertificate_isRejectedAtConstruction() throws CertificateException, IOException, InvalidAlgorithmParameterException, NoSuchAlgorithmException, OperatorCreationException {
        X509Certificate other = selfSigned(keyPair("secp256r1"), "SHA256withECDSA");
        assertThrows(IllegalArgumentException.class, () -> new JwsSigner(
                new JcaSigningKey("k1", keys.getPrivate(), keys.getPublic(), BC), List.of(other)));
    }

    @Test
    void criticalHeaderParameter_isRefused() {
        String header = Base64URL.encode("{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1}").toString();
        String jws = header + "." + Base64URL.encode("{}") + "." + Base64URL.encode(new byte[64]);
        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(jws));
        assertTrue(e.getMessage().contains("critical"), e.getMessage());
    }

    @Test
    void criticalParameterSigned_isAcceptedOnlyByAVerifierThatUnderstandsIt() throws JwsVerificationException,
            SigningException {
        String jws = signer.sign("root".getBytes(), Map.of("ocsp", "AAEC", "batchRoot", "v1"), Set.of("batchRoot"));

        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(jws));
        assertTrue(e.getMessage().contains("marks [batchRoot] critical"), e.getMessage());
        VerifiedJws verified = new JwsVerifier(BC, Set.of("batchRoot")).verify(jws);
        assertEquals(Set.of("batchRoot"), verified.header().getCriticalParams());
        assertEquals("v1", verified.param("batchRoot"));
        String plain = signer.sign("plain".getBytes(), Map.of("ocsp", "AAEC"));
        assertEquals(null, verifier.verify(plain).header().getCriticalParams(), "the header cache keeps crit apart");
        JwsVerificationException other = assertThrows(JwsVerificationException.class,
                () -> new JwsVerifier(BC, Set.of("other")).verify(jws));
        assertTrue(other.getMessage().contains("only [other] are understood"), other.getMessage());
    }

    @Test
    void sameHeaderTwice_isEncodedOnceAndStillVerifies() throws JwsVerificationException, SigningException {
        String a = signer.sign("one".getBytes(), Map.of("ocsp", "AAEC"));
        String b = signer.sign("two".getBytes(), Map.of("ocsp", "AAEC"));
        String c = signer.sign("two".getBytes(), Map.of("ocsp", "AAED"));
        assertEquals(a.substring(0, a.indexOf('.')), b.substring(0, b.indexOf('.')));
        assertEquals("AAED", verifier.verify(c).param("ocsp"));
        assertArrayEquals("two".getBytes(), verifier.verify(b).payload());
    }

    @Test
    void extraDotOrMissingPart_isRefused() {
        assertThrows(JwsVerificationException.class, () -> verifier.verify("a.b"));
        assertThrows(JwsVerificationException.class, () -> verifier.verify("a.b.c.d"));
        assertThrows(JwsVerificationException.class, () -> verifier.verify(".b.c"));
    }

    @Test
    void compactForm_isBase64UrlWithoutPadding_asNimbusWritesIt() throws SigningException {
        byte[] payload = "{\"v\":1,\"x\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
        String[] parts = signer.sign(payload, Map.of("ocsp", "AAEC")).split("\\.");

        assertEquals(Base64URL.encode(payload).toString(), parts[1]);
        assertEquals(86, parts[2].length(), "64 bytes of R || S, unpadded");
        assertTrue(parts[0].matches("[A-Za-z0-9_-]+"), parts[0]);
    }

    @Test
    void headerLikeTheLastOne_butAnother_isCheckedAnew() throws JwsVerificationException, SigningException {
        String[] a = signer.sign("one".getBytes(), Map.of("ocsp", "AAEC")).split("\\.");
        String[] c = signer.sign("one".getBytes(), Map.of("ocsp", "AAED")).split("\\.");
        assertEquals(a[0].length(), c[0].length());
        assertEquals("AAEC", verifier.verify(String.join(".", a)).param("ocsp"));

        assertEquals("AAED", verifier.verify(String.join(".", c)).param("ocsp"));
        verifier.verify(String.join(".", a));
        JwsVerificationException e = assertThrows(JwsVerificationException.class,
                () -> verifier.verify(c[0] + "." + a[1] + "." + a[2]));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void characterOutsideBase64UrlInThePayload_isRefused() throws SigningException {
        String[] parts = signer.sign("{\"amount\":1}".getBytes()).split("\\.");
        String forged = parts[0] + "." + parts[1].substring(0, 4) + "?" + parts[1].substring(4) + "." + parts[2];

        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(forged));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void charactersBeyondLatin1_areRefusedAsNotAJws() throws SigningException {
        String[] parts = signer.sign("{}".getBytes()).split("\\.");
        String forged = parts[0] + "." + parts[1] + "\uD83D\uDE00." + parts[2];

        JwsVerificationException e = assertThrows(JwsVerificationException.class, () -> verifier.verify(forged));
        assertTrue(e.getMessage().startsWith("signature is not a compact JWS"), e.getMessage());
    }
}
