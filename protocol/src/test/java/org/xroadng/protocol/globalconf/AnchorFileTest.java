package org.xroadng.protocol.globalconf;

import java.security.GeneralSecurityException;
import org.bouncycastle.operator.OperatorCreationException;
import java.security.cert.CertificateEncodingException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.INSTANCE;
import static org.xroadng.protocol.globalconf.ConfigurationFixture.T0;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.protocol.globalconf.ConfigurationException.Reason;
import org.xroadng.protocol.globalconf.ConfigurationFixture.Signer;

class AnchorFileTest {

    @TempDir
    Path dir;

    private final Signer registry;
    private final Anchor anchor;

    AnchorFileTest() throws GeneralSecurityException, IOException, OperatorCreationException {
        registry = Signer.create("registry");
        anchor = registry.anchor(INSTANCE);
    }

    private Path file(String json) throws IOException {
        Path file = dir.resolve("anchor.json");
        Files.writeString(file, json);
        return file;
    }

    private String json(String instance, String url, String certificate) {
        return "{\"instance\":\"" + instance + "\",\"downloadUrl\":\"" + url
                + "\",\"configurationSigningCertificate\":\"" + certificate + "\"}";
    }

    private void assertBadAnchor(String json, String expectedInMessage) throws IOException {
        Path file = file(json);
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> AnchorFile.read(file));
        assertEquals(Reason.BAD_ANCHOR, e.reason());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void writtenAnchor_readsBackEqual() throws ConfigurationException, IOException {
        Path file = dir.resolve("conf/anchor.json");

        AnchorFile.write(file, anchor);

        assertEquals(anchor, AnchorFile.read(file));
        assertTrue(Files.readString(file).contains("\n  \"instance\" : \"EE\""), "pretty-printed");
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary files are left behind");
        }
    }

    @Test
    void rewrite_replacesTheFile() throws ConfigurationException, IOException {
        Path file = dir.resolve("anchor.json");
        AnchorFile.write(file, anchor);
        Anchor moved = new Anchor(INSTANCE, URI.create("https://registry2.example/globalconf"),
                anchor.configurationSigningCertificate());

        AnchorFile.write(file, moved);

        assertEquals(moved, AnchorFile.read(file));
    }

    @Test
    void fingerprint_isUpperCaseHexPairsOfTheFileSha256() throws IOException {
        Path file = dir.resolve("anchor.json");
        AnchorFile.write(file, anchor);

        String fingerprint = AnchorFile.fingerprint(file);

        assertTrue(fingerprint.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), fingerprint);
        assertEquals(AnchorFile.fingerprint(Files.readAllBytes(file)), fingerprint);
    }

    @Test
    void fingerprintOfAbc_matchesTheFips180KnownAnswer() {
        assertEquals("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD",
                AnchorFile.fingerprint("abc".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void pinnedFingerprint_matchingInAnyCase_reads() throws ConfigurationException, IOException {
        Path file = dir.resolve("anchor.json");
        AnchorFile.write(file, anchor);
        String fingerprint = AnchorFile.fingerprint(file);

        assertEquals(anchor, AnchorFile.read(file, fingerprint));
        assertEquals(anchor, AnchorFile.read(file, fingerprint.replace(":", "").toLowerCase()));
    }

    @Test
    void pinnedFingerprint_notMatching_isBadAnchorNamingBoth() throws IOException {
        Path file = dir.resolve("anchor.json");
        AnchorFile.write(file, anchor);
        String pinned = AnchorFile.fingerprint("another anchor".getBytes(StandardCharsets.US_ASCII));

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> AnchorFile.read(file, pinned));
        assertEquals(Reason.BAD_ANCHOR, e.reason());
        assertEquals(pinned, e.expected().orElseThrow());
        assertEquals(AnchorFile.fingerprint(file), e.actual().orElseThrow());
        assertThrows(ConfigurationException.class, () -> AnchorFile.read(file, "not-a-fingerprint"));
    }

    @Test
    void missingFile_isBadAnchorSayingSo() {
        Path file = dir.resolve("absent.json");

        ConfigurationException e = assertThrows(ConfigurationException.class, () -> AnchorFile.read(file));
        assertEquals(Reason.BAD_ANCHOR, e.reason());
        assertTrue(e.getMessage().contains(file + " does not exist"), e.getMessage());
    }

    @Test
    void notJson_isBadAnchor() throws IOException {
        assertBadAnchor("instance = EE", "is not JSON");
        assertBadAnchor("[1, 2]", "expected an object");
    }

    @Test
    void missingOrMistypedField_isBadAnchorNamingTheField() throws IOException {
        assertBadAnchor("{\"instance\":\"EE\",\"downloadUrl\":\"http://r.example/globalconf\"}",
                "has no field 'configurationSigningCertificate'");
        assertBadAnchor("{\"instance\":7,\"downloadUrl\":\"http://r.example/globalconf\","
                + "\"configurationSigningCertificate\":\"" + anchor.configurationSigningCertificate() + "\"}",
                "field 'instance' is a JSON NUMBER; expected a string");
        assertBadAnchor(json(" ", "http://r.example/globalconf", anchor.configurationSigningCertificate()),
                "field 'instance' is blank");
    }

    @Test
    void unknownField_isBadAnchor() throws IOException {
        String json = json("EE", "http://r.example/globalconf", anchor.configurationSigningCertificate());
        assertBadAnchor(json.replace("{", "{\"instanse\":\"EE\","), "unknown field 'instanse'");
    }

    @Test
    void nonHttpDownloadUrl_isBadAnchor() throws IOException {
        String certificate = anchor.configurationSigningCertificate();
        assertBadAnchor(json("EE", "ftp://r.example/globalconf", certificate), "expected http or https");
        assertBadAnchor(json("EE", "/globalconf", certificate), "expected http or https");
        assertBadAnchor(json("EE", "http:///globalconf", certificate), "has no host");
        assertBadAnchor(json("EE", "http://r example/", certificate), "is not a URL");
    }

    @Test
    void certificateNotBase64DerX509_isBadAnchor() throws CertificateEncodingException, IOException {
        String url = "http://r.example/globalconf";
        assertBadAnchor(json("EE", url, "not*base64"), "is not base64");
        assertBadAnchor(json("EE", url, Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.US_ASCII))),
                "is not a base64 DER X.509 certificate");
        byte[] der = registry.certificate().getEncoded();
        byte[] withTrailer = Arrays.copyOf(der, der.length + 1);
        assertBadAnchor(json("EE", url, Base64.getEncoder().encodeToString(withTrailer)),
                "is not a base64 DER X.509 certificate");
        String pem = "-----BEGIN CERTIFICATE-----\n" + anchor.configurationSigningCertificate()
                + "\n-----END CERTIFICATE-----\n";
        assertBadAnchor(json("EE", url, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))),
                "is not a base64 DER X.509 certificate");
    }

    @Test
    void rsaCertificate_isBadAnchor() throws IOException, NoSuchAlgorithmException, OperatorCreationException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        X500Name name = new X500Name("CN=rsa");
        var holder = new JcaX509v3CertificateBuilder(name, BigInteger.TWO, Date.from(T0), Date.from(T0.plusSeconds(3600)),
                name, rsa.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(rsa.getPrivate()));

        assertBadAnchor(json("EE", "https://r.example/globalconf", Base64.getEncoder().encodeToString(holder.getEncoded())),
                "RSA key; expected an EC P-256 key");
    }
}
