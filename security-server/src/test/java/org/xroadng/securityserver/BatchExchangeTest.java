package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.evidence.EvidenceBundle;
import org.xroadng.securityserver.evidence.EvidenceExportException;
import org.xroadng.securityserver.evidence.EvidenceExporter;
import org.xroadng.securityserver.evidence.EvidenceFormatException;
import org.xroadng.securityserver.evidence.EvidenceVerification;
import org.xroadng.securityserver.evidence.EvidenceVerifier;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.MessageLogException;
import org.xroadng.securityserver.log.MessageLogKey;
import org.xroadng.securityserver.log.MessageLogListener;
import org.xroadng.securityserver.log.MessageLogSettings;
import org.xroadng.securityserver.log.timestamp.BatchTimestamper;
import org.xroadng.securityserver.log.timestamp.TimestampHealth;
import org.xroadng.securityserver.log.timestamp.TimestampingConfiguration;
import org.xroadng.securityserver.log.timestamp.TimestampingListener;
import org.xroadng.securityserver.log.timestamp.TimestampingSettings;
import org.xroadng.securityserver.message.BatchSignature;
import org.xroadng.securityserver.message.MessageVerificationException;
import org.xroadng.securityserver.message.MessageSignatures;

/**
 * Exchanges between two security servers that both sign in batches (real TLS, CA, OCSP and TSA):
 * concurrent requests succeed with batch signatures on the wire, and the consumer's evidence of a
 * batch-signed exchange verifies offline, while a change of one bit anywhere in its batch signature
 * (path, salt, summary, root signature) is refused, naming what failed.
 */
class BatchExchangeTest {

    private static final int CONCURRENT = 32;

    @TempDir
    static Path dir;

    static H2MessageLog log;
    static BatchTimestamper stamper;
    static TestNetwork network;
    static Anchor anchor;
    /** The bundle of an exchange whose request was batch-signed. */
    static byte[] bundleJson;
    static int batchRequests;
    static int batchResponses;

    private final EvidenceVerifier verifier = new EvidenceVerifier(network.bc, Clock.systemUTC());

    @BeforeAll
    static void exchangeConcurrentlyAndExport() throws CaException, CertificateEncodingException, CertificateException,
            EvidenceExportException, IOException, InterruptedException, KeyStoreException, MessageLogException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException, ExecutionException,
            TimeoutException, EvidenceFormatException {
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
        network = new TestNetwork(dir, log, MessageLog.NONE, TestNetwork.DEFAULT_LIMITS, MessageSignatures.BATCH);
        holder[0] = network;
        anchor = network.anchor();
        network.providerIs.stubFor(get(urlPathMatching("/person-api/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari Maasikas\"}")));
        HttpClient is = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> ids = new ArrayList<>();
        for (int burst = 0; burst < 5 && batchRequests == 0; burst++) {
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            List<String> burstIds = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                String id = "batch-" + burst + "-" + i;
                burstIds.add(id);
                answers.add(is.sendAsync(HttpRequest.newBuilder(
                                network.consumerUri("/r1/DEMO/GOV/1001/population/person/EE" + i))
                        .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                        .header("X-Road-Id", id).GET().build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), response.body());
            }
            ids.addAll(burstIds);
            for (String id : burstIds) {
                long responseRecord = log.find(id, "consumer").orElseThrow().responseRecordId();
                for (int tries = 0; log.stampOf(responseRecord).isEmpty(); tries++) {
                    assertTrue(tries < 300, "exchange " + id + " was not stamped in 15 s");
                    Thread.sleep(50);
                }
                byte[] json = new EvidenceExporter(log).export(id, "consumer", network.signedConfiguration()).toJson();
                EvidenceBundle bundle = EvidenceBundle.parse(json);
                if (BatchSignature.isBatch(bundle.request().signature())) {
                    batchRequests++;
                    if (bundleJson == null || BatchSignature.isBatch(bundle.response().signature())) {
                        bundleJson = json;
                    }
                }
                if (BatchSignature.isBatch(bundle.response().signature())) {
                    batchResponses++;
                }
            }
        }
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

    /** The bundle with the request's batch signature changed by {@code change} on its decoded form. */
    private static byte[] withRequestSignature(UnaryOperator<String> change) throws IOException, JsonProcessingException {
        ObjectNode root = (ObjectNode) ProtocolJson.mapper().readTree(bundleJson);
        ObjectNode request = (ObjectNode) root.get("request");
        request.put("signature", change.apply(request.get("signature").textValue()));
        return ProtocolJson.mapper().writeValueAsBytes(root);
    }

    private interface LeafChange {
        BatchSignature.Leaf apply(BatchSignature.Leaf leaf);
    }

    private static UnaryOperator<String> leafChanged(LeafChange change) {
        return token -> {
            try {
                BatchSignature.Decoded d = BatchSignature.decode(token);
                return BatchSignature.encode(d.rootJws(), change.apply(d.leaf()));
            } catch (MessageVerificationException e) {
                throw new IllegalStateException("the bundled batch signature does not decode", e);
            }
        };
    }

    private static byte[] flipped(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 1;
        return copy;
    }

    private void assertFailsNaming(byte[] json, String part) throws EvidenceFormatException {
        EvidenceVerification result = verify(json);
        assertFalse(result.valid());
        assertTrue(result.failedParts().contains(part), "expected a failure of " + part + "; got " + result.failures());
    }

    @Test
    void concurrentExchanges_areSignedInBatchesBothWays() {
        assertTrue(batchRequests > 0, "no request of " + CONCURRENT + " concurrent ones shared a signature");
        assertTrue(batchResponses > 0, "no response of " + CONCURRENT + " concurrent ones shared a signature");
    }

    @Test
    void bundleOfABatchSignedExchange_verifiesOffline() throws EvidenceFormatException {
        assertNotNull(bundleJson);
        EvidenceVerification result = verify(bundleJson);

        assertTrue(result.valid(), result.failures().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("request signature: leaf ")),
                result.facts().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("request signed by member DEMO/GOV/1002")),
                result.facts().toString());
    }

    @Test
    void changedPathHash_failsNamingTheRequestSignaturePath() throws EvidenceFormatException, IOException {
        byte[] json = withRequestSignature(leafChanged(leaf -> {
            List<byte[]> path = new ArrayList<>(leaf.path());
            path.set(0, flipped(path.get(0), 7));
            return new BatchSignature.Leaf(leaf.summary(), leaf.salt(), leaf.index(), path);
        }));

        assertFailsNaming(json, "request.signature.path");
    }

    @Test
    void changedSalt_failsNamingTheRequestSignaturePath() throws EvidenceFormatException, IOException {
        byte[] json = withRequestSignature(leafChanged(leaf ->
                new BatchSignature.Leaf(leaf.summary(), flipped(leaf.salt(), 0), leaf.index(), leaf.path())));

        assertFailsNaming(json, "request.signature.path");
    }

    @Test
    void changedSummary_failsNamingTheRequestSignaturePath() throws EvidenceFormatException, IOException {
        byte[] json = withRequestSignature(leafChanged(leaf ->
                new BatchSignature.Leaf(flipped(leaf.summary(), 20), leaf.salt(), leaf.index(), leaf.path())));

        assertFailsNaming(json, "request.signature.path");
    }

    @Test
    void changedRootSignature_failsNamingTheRequestSignatureRoot() throws EvidenceFormatException, IOException {
        byte[] json = withRequestSignature(token -> {
            try {
                BatchSignature.Decoded d = BatchSignature.decode(token);
                String[] parts = d.rootJws().split("\\.");
                byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
                String changed = Base64.getUrlEncoder().withoutPadding().encodeToString(flipped(signature, 40));
                return BatchSignature.encode(parts[0] + "." + parts[1] + "." + changed, d.leaf());
            } catch (MessageVerificationException e) {
                throw new IllegalStateException(e);
            }
        });

        assertFailsNaming(json, "request.signature.root");
    }

    @Test
    void oneBitChangedAnywhereInTheBatchSignature_isRefusedByTheSignatureCheck() throws EvidenceFormatException,
            IOException {
        String token = EvidenceBundle.parse(bundleJson).request().signature();
        // protected.payload.signature~leaf: each part is base64url; a bit changed in the bytes of any
        // of them (the root's header, payload and signature, and the leaf) must be caught
        int checked = 0;
        int start = 0;
        for (String part : token.split("[.~]")) {
            byte[] decoded = Base64.getUrlDecoder().decode(part);
            int step = Math.max(1, decoded.length / 40);
            for (int i = 0; i < decoded.length; i += step) {
                for (int bit : new int[] {0, 5}) {
                    byte[] changed = decoded.clone();
                    changed[i] ^= (byte) (1 << bit);
                    String changedToken = token.substring(0, start)
                            + Base64.getUrlEncoder().withoutPadding().encodeToString(changed)
                            + token.substring(start + part.length());
                    EvidenceVerification result = verify(withRequestSignature(t -> changedToken));

                    String where = "part at " + start + ", byte " + i + " bit " + bit;
                    assertFalse(result.valid(), where);
                    assertTrue(result.failedParts().stream().anyMatch(p -> p.startsWith("request.signature")),
                            where + " (" + (char) decoded[i] + "): " + result.failures());
                    checked++;
                }
            }
            start += part.length() + 1;
        }
        assertTrue(checked > 250, checked + " changes checked");
    }

    @Test
    void bundledBatchLeaf_carriesOnlyItsOwnSummary() throws EvidenceFormatException, MessageVerificationException {
        EvidenceBundle bundle = EvidenceBundle.parse(bundleJson);
        BatchSignature.Decoded d = BatchSignature.decode(bundle.request().signature());

        String summary = new String(d.leaf().summary(), StandardCharsets.UTF_8);
        assertTrue(summary.contains("\"id\":\"" + bundle.exchange().queryId() + "\""), summary);
        StringBuilder decoded = new StringBuilder();
        for (String part : bundle.request().signature().split("[.~]")) {
            decoded.append(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
        }
        assertFalse(decoded.toString().matches("(?s).*batch-\\d+-\\d+.*batch-\\d+-\\d+.*"),
                "another message's query id is in the signature");
    }
}
