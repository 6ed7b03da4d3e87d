package org.xroadng.securityserver;

import org.xroadng.securityserver.log.MessageLogException;
import java.security.KeyStoreException;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import org.xroadng.securityserver.evidence.EvidenceFormatException;
import org.xroadng.protocol.jws.SigningException;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.OpenSsl;
import org.xroadng.certs.TestPki;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.securityserver.evidence.EvidenceBundle;
import org.xroadng.securityserver.evidence.EvidenceExportException;
import org.xroadng.securityserver.evidence.EvidenceExporter;
import org.xroadng.securityserver.evidence.EvidenceVerification;
import org.xroadng.securityserver.evidence.EvidenceVerifier;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.MessageLogListener;
import org.xroadng.securityserver.log.MessageLogSettings;
import org.xroadng.securityserver.log.timestamp.BatchTimestamper;
import org.xroadng.securityserver.log.timestamp.TimestampHealth;
import org.xroadng.securityserver.log.timestamp.TimestampingConfiguration;
import org.xroadng.securityserver.log.timestamp.TimestampingListener;
import org.xroadng.securityserver.log.timestamp.TimestampingSettings;

/**
 * Evidence of a real exchange between two security servers (real signatures, OCSP responses from
 * the test CA, batches stamped by its TSA): exported from the consumer's log, verified offline,
 * and refused, naming the part, when any part is changed.
 */
class EvidenceTest {

    private static final String QUERY_ID = "evidence-1";
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    static Path dir;

    static H2MessageLog log;
    static BatchTimestamper stamper;
    static TestNetwork network;
    static byte[] bundleJson;
    static Anchor anchor;

    private final EvidenceVerifier verifier = new EvidenceVerifier(network.bc, Clock.systemUTC());

    @BeforeAll
    static void exchangeAndExport() throws CaException, CertificateEncodingException, CertificateException, EvidenceExportException, IOException, InterruptedException, KeyStoreException, MessageLogException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        TestNetwork[] holder = new TestNetwork[1];
        java.security.Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        log = H2MessageLog.open(dir.resolve("consumer-log"), MessageLogKey.of(new byte[32]), bc,
                new java.security.SecureRandom(), Clock.systemUTC(),
                MessageLogSettings.defaults().withDurability(Durability.COMMIT), MessageLogListener.NONE);
        stamper = BatchTimestamper.start(log, () -> new TimestampingConfiguration(List.of(
                        new TimestampingConfiguration.Tsa(holder[0].ca.settings().tsaUrl(),
                                holder[0].ca.tsaCertificate())), Duration.ofHours(1)),
                new TimestampHealth(Clock.systemUTC(), Duration.ofHours(1)),
                new TimestampingSettings(Duration.ofMillis(100), 1000, Duration.ofSeconds(5)), Clock.systemUTC(), bc,
                new java.security.SecureRandom(), TimestampingListener.NONE);
        network = new TestNetwork(dir, log, MessageLog.NONE);
        holder[0] = network;
        anchor = network.anchor();
        network.providerIs.stubFor(post(urlEqualTo("/person-api/search"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari Maasikas\"}")));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        network.consumerUri("/r1/DEMO/GOV/1001/population/person/search"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Id", QUERY_ID).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE38001010001\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        long responseRecord = log.find(QUERY_ID, "consumer").orElseThrow().responseRecordId();
        for (int tries = 0; log.stampOf(responseRecord).isEmpty(); tries++) {
            assertTrue(tries < 300, "the exchange was not stamped in 15 s");
            Thread.sleep(50);
        }
        bundleJson = new EvidenceExporter(log).export(QUERY_ID, "consumer", network.signedConfiguration()).toJson();
    }

    @AfterAll
    static void stop() {
        if (network != null) {
            network.close();
        }
        if (stamper != null) {
            stamper.close();
        }
        if (log != null) {
            log.close();
        }
    }

    private EvidenceVerification verify(byte[] json) throws EvidenceFormatException {
        return verifier.verify(EvidenceBundle.parse(json), anchor);
    }

    /** The bundle with the string at {@code path} (dot-separated, array indexes as numbers) replaced. */
    private static byte[] changed(String path, UnaryOperator<String> change) throws IOException, JsonProcessingException {
        JsonNode root = ProtocolJson.mapper().readTree(bundleJson);
        String[] names = path.split("\\.");
        JsonNode parent = root;
        for (int i = 0; i < names.length - 1; i++) {
            parent = names[i].matches("\\d+") ? parent.get(Integer.parseInt(names[i])) : parent.get(names[i]);
        }
        String last = names[names.length - 1];
        if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            array.set(index, array.textNode(change.apply(array.get(index).textValue())));
        } else {
            ((ObjectNode) parent).put(last, change.apply(parent.get(last).textValue()));
        }
        return ProtocolJson.mapper().writeValueAsBytes(root);
    }

    private static UnaryOperator<String> base64Byte(int index) {
        return text -> {
            byte[] bytes = Base64.getDecoder().decode(text);
            int i = index < 0 ? bytes.length + index : index;
            bytes[i] ^= 0x01;
            return Base64.getEncoder().encodeToString(bytes);
        };
    }

    private static String flipHexByte(String hex) {
        byte[] bytes = HEX.parseHex(hex);
        bytes[0] ^= 0x01;
        return HEX.formatHex(bytes);
    }

    /** Flips one byte of a compact JWS's signature (its third part). */
    private static String flipJwsSignature(String jws) {
        String[] parts = jws.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private void assertFailsNaming(byte[] json, String part) throws EvidenceFormatException {
        EvidenceVerification result = verify(json);
        assertTrue(result.failedParts().contains(part), "expected a failure of " + part + "; got " + result.failures());
    }

    @Test
    void exportedBundle_verifiesOffline() throws EvidenceFormatException {
        EvidenceVerification result = verify(bundleJson);

        assertTrue(result.valid(), result.failures().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("request signed by member DEMO/GOV/1002")),
                result.facts().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("response signed by member DEMO/GOV/1001")),
                result.facts().toString());
    }

    @Test
    void changedRequestBody_failsNamingRequestBody() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("request.body", base64Byte(0)), "request.body");
    }

    @Test
    void changedResponseBody_failsNamingResponseBody() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("response.body", base64Byte(0)), "response.body");
    }

    @Test
    void changedRequestSignature_failsNamingRequestSignatureAndResponseRequestHash() throws EvidenceFormatException, IOException, JsonProcessingException {
        byte[] json = changed("request.signature", EvidenceTest::flipJwsSignature);

        assertFailsNaming(json, "request.signature");
        assertFailsNaming(json, "response.requestHash");
    }

    @Test
    void changedResponseSignature_failsNamingResponseSignature() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("response.signature", EvidenceTest::flipJwsSignature), "response.signature");
    }

    @Test
    void changedToken_failsNamingTimestampToken() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("request.stamp.batch.token", base64Byte(-1)), "request.timestamp.token");
    }

    @Test
    void changedInclusionPathHash_failsNamingInclusionPath() throws EvidenceFormatException, IOException, JsonProcessingException {
        byte[] json = changed("request.stamp.inclusionPath.0", EvidenceTest::flipHexByte);

        EvidenceVerification result = verify(json);
        assertEquals(List.of("request.inclusionPath"), result.failedParts(), result.failures().toString());
    }

    @Test
    void changedBatchRoot_failsNamingTimestampRoot() throws EvidenceFormatException, IOException, JsonProcessingException {
        byte[] json = changed("request.stamp.batch.root", EvidenceTest::flipHexByte);

        EvidenceVerification result = verify(json);
        assertEquals(List.of("request.timestamp.root"), result.failedParts(), result.failures().toString());
    }

    @Test
    void changedRecordHash_failsNamingRecordHash() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("request.recordHash", EvidenceTest::flipHexByte), "request.recordHash");
    }

    @Test
    void changedConfiguration_failsNamingConfiguration() throws EvidenceFormatException, IOException, JsonProcessingException {
        assertFailsNaming(changed("configuration", EvidenceTest::flipJwsSignature), "configuration");
    }

    @Test
    void unknownQueryId_isRefusedByTheExporter() {
        EvidenceExportException e = assertThrows(EvidenceExportException.class,
                () -> new EvidenceExporter(log).export("no-such-query", "consumer", network.signedConfiguration()));

        assertTrue(e.getMessage().contains("no-such-query"), e.getMessage());
    }

    @Test
    void bundledToken_isAcceptedByOpenSslForItsRoot() throws EvidenceFormatException, IOException {
        EvidenceBundle bundle = EvidenceBundle.parse(bundleJson);
        EvidenceBundle.Batch batch = bundle.request().stamp().batch();
        Path work = Files.createDirectories(dir.resolve("openssl"));
        Files.write(work.resolve("token.der"), Base64.getDecoder().decode(batch.token()));
        TestPki.writePem(work, "ca.pem", network.ca.caCertificate());

        OpenSsl.Result result = OpenSsl.run(work, "ts", "-verify", "-digest", batch.root(), "-token_in", "-in",
                "token.der", "-CAfile", "ca.pem", "-attime", Long.toString(batch.genTime().getEpochSecond()));

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("Verification: OK"), result.output());
    }
}
