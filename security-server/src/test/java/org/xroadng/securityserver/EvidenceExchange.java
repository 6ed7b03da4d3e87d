package org.xroadng.securityserver;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.xroadng.certs.ca.CaException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.jws.SigningException;
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

/**
 * One real exchange between two test servers (real signatures, OCSP responses from the test CA),
 * logged by the consumer and its response time-stamped by the CA's TSA: the message log an
 * evidence bundle is exported from, for tests outside this package (the console's download).
 */
public final class EvidenceExchange implements AutoCloseable {

    private final H2MessageLog log;
    private final BatchTimestamper stamper;
    private final TestNetwork network;

    private EvidenceExchange(H2MessageLog log, BatchTimestamper stamper, TestNetwork network) {
        this.log = log;
        this.stamper = stamper;
        this.network = network;
    }

    /** Runs a query with id {@code queryId} through the network and waits until its response is stamped. */
    public static EvidenceExchange run(Path dir, String queryId) throws CaException, CertificateEncodingException,
            CertificateException, IOException, InterruptedException, KeyStoreException, MessageLogException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        TestNetwork[] holder = new TestNetwork[1];
        Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        H2MessageLog log = H2MessageLog.open(dir.resolve("consumer-log"), MessageLogKey.of(new byte[32]), bc,
                new java.security.SecureRandom(), Clock.systemUTC(),
                MessageLogSettings.defaults().withDurability(Durability.COMMIT), MessageLogListener.NONE);
        BatchTimestamper stamper = BatchTimestamper.start(log, () -> new TimestampingConfiguration(List.of(
                        new TimestampingConfiguration.Tsa(holder[0].ca.settings().tsaUrl(),
                                holder[0].ca.tsaCertificate())), Duration.ofHours(1)),
                new TimestampHealth(Clock.systemUTC(), Duration.ofHours(1)),
                new TimestampingSettings(Duration.ofMillis(100), 1000, Duration.ofSeconds(5)), Clock.systemUTC(), bc,
                new java.security.SecureRandom(), TimestampingListener.NONE);
        TestNetwork network = new TestNetwork(dir, log, MessageLog.NONE);
        holder[0] = network;
        EvidenceExchange exchange = new EvidenceExchange(log, stamper, network);
        network.providerIs.stubFor(post(urlEqualTo("/person-api/search"))
                .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"Mari Maasikas\"}")));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        network.consumerUri("/r1/DEMO/GOV/1001/population/person/search"))
                .header("X-Road-Client", "DEMO/GOV/1002/tax").header("X-Road-Purpose", "tax-assessment")
                .header("X-Road-Id", queryId).POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"EE38001010001\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            exchange.close();
            throw new IllegalStateException("the exchange failed: " + response.statusCode() + " " + response.body());
        }
        long responseRecord = log.find(queryId, "consumer").orElseThrow().responseRecordId();
        for (int tries = 0; log.stampOf(responseRecord).isEmpty(); tries++) {
            if (tries >= 300) {
                exchange.close();
                throw new IllegalStateException("the exchange was not stamped in 15 s");
            }
            Thread.sleep(50);
        }
        return exchange;
    }

    /** The consumer's message log. */
    public H2MessageLog log() {
        return log;
    }

    /** The signed global configuration the bundle carries. */
    public String signedConfiguration() {
        return network.signedConfiguration();
    }

    /** The anchor a bundle is verified against. */
    public Anchor anchor() throws CertificateEncodingException {
        return network.anchor();
    }

    public Provider provider() {
        return network.bc;
    }

    @Override
    public void close() {
        network.close();
        stamper.close();
        log.close();
    }
}
