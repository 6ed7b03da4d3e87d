package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.SoftHsm;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.token.Pkcs11Token;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
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
import org.xroadng.securityserver.message.MessageSignatures;

/**
 * Two security servers whose members' signing keys are in an HSM (SoftHSM2, a real PKCS#11
 * module): every request and response is signed inside the token, in batches under concurrent
 * load, verified by the peer, and the consumer's evidence verifies offline.
 */
class HsmExchangeTest {

    private static final String QUERY_ID = "hsm-evidence-1";

    @TempDir
    static Path dir;

    static H2MessageLog log;
    static BatchTimestamper stamper;
    static TestNetwork network;
    static Pkcs11Token hsm;
    static final List<String> hsmKeys = new ArrayList<>();

    @BeforeAll
    static void start() throws CaException, CertificateEncodingException, CertificateException, IOException,
            KeyStoreException, MessageLogException, NoSuchAlgorithmException, SigningException,
            UnrecoverableKeyException, TokenException {
        Provider bc = new BouncyCastleProvider();
        SecureRandom random = new SecureRandom();
        hsm = Pkcs11Token.open(SoftHsm.get().slot("hsm1", "exchange"), SoftHsm.pin(), random, Clock.systemUTC());
        TestNetwork[] holder = new TestNetwork[1];
        log = H2MessageLog.open(dir.resolve("consumer-log"), MessageLogKey.of(new byte[32]), bc, random,
                Clock.systemUTC(), MessageLogSettings.defaults().withDurability(Durability.COMMIT), MessageLogListener.NONE);
        stamper = BatchTimestamper.start(log, () -> new TimestampingConfiguration(List.of(
                        new TimestampingConfiguration.Tsa(holder[0].ca.settings().tsaUrl(),
                                holder[0].ca.tsaCertificate())), Duration.ofHours(1)),
                new TimestampHealth(Clock.systemUTC(), Duration.ofHours(1)),
                new TimestampingSettings(Duration.ofMillis(100), 1000, Duration.ofSeconds(5)), Clock.systemUTC(), bc,
                random, TimestampingListener.NONE);
        network = new TestNetwork(dir, log, MessageLog.NONE, TestNetwork.DEFAULT_LIMITS, MessageSignatures.BATCH,
                member -> {
                    String keyId = hsm.generateKey();
                    hsmKeys.add(keyId);
                    return hsm.signingKey(keyId);
                });
        holder[0] = network;
        network.providerIs.stubFor(post(urlEqualTo("/person-api/search"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari Maasikas\"}")));
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

    private static HttpResponse<String> query(String queryId) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        network.consumerUri("/r1/DEMO/GOV/1001/population/person/search"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Id", queryId).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE38001010001\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void membersSigningKeys_areKeysOfTheHsm() throws TokenException {
        String taxKey = SoftwareToken.keyId(network.taxCertificate.certificate().getPublicKey());
        String populationKey = SoftwareToken.keyId(network.populationCertificate.certificate().getPublicKey());

        assertTrue(hsmKeys.contains(taxKey));
        assertTrue(hsmKeys.contains(populationKey));
        assertTrue(hsm.keys().stream().anyMatch(k -> k.keyId().equals(taxKey)));
    }

    @Test
    void signedExchange_evidenceVerifiesOffline() throws IOException, InterruptedException, EvidenceExportException,
            EvidenceFormatException, CertificateEncodingException, MessageLogException {
        HttpResponse<String> response = query(QUERY_ID);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"name\":\"Mari Maasikas\"}", response.body());
        long responseRecord = log.find(QUERY_ID, "consumer").orElseThrow().responseRecordId();
        for (int tries = 0; log.stampOf(responseRecord).isEmpty(); tries++) {
            assertTrue(tries < 300, "the exchange was not stamped in 15 s");
            Thread.sleep(50);
        }
        byte[] bundle = new EvidenceExporter(log).export(QUERY_ID, "consumer", network.signedConfiguration()).toJson();

        EvidenceVerification result = new EvidenceVerifier(network.bc, Clock.systemUTC())
                .verify(EvidenceBundle.parse(bundle), network.anchor());

        assertTrue(result.valid(), result.failures().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("request signed by member DEMO/GOV/1002")),
                result.facts().toString());
        assertTrue(result.facts().stream().anyMatch(f -> f.startsWith("response signed by member DEMO/GOV/1001")),
                result.facts().toString());
    }

    @Test
    void concurrentExchanges_areAllSignedThroughTheHsm() {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 40; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(
                            network.consumerUri("/r1/DEMO/GOV/1001/population/person/search"))
                    .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                    .header("X-Road-Id", "hsm-load-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE38001010001\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        List<String> failed = answers.stream().map(CompletableFuture::join).filter(r -> r.statusCode() != 200)
                .map(r -> r.statusCode() + " " + r.body()).toList();

        assertFalse(answers.isEmpty());
        assertEquals(List.of(), failed);
    }
}
