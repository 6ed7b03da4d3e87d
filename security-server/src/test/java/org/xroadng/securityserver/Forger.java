package org.xroadng.securityserver;

import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.protocol.jws.SigningException;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.security.cert.CertificateEncodingException;
import java.util.concurrent.ExecutionException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.message.MessageHashes;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.HttpExchangeClient;
import org.xroadng.securityserver.transport.PeerClient;

/**
 * Plays a consumer security server by hand, so a test can send the provider's server proxy what a
 * correct server never would: an altered body, another member's signature, a revoked certificate.
 * Connects with the given server's real auth key, so TLS succeeds and the message checks are what
 * is tested.
 */
final class Forger {

    private final TestNetwork network;
    private final PeerClient peers;

    Forger(TestNetwork network, TestServer as) throws CertificateEncodingException {
        this.network = network;
        var anchor = network.anchor();
        GlobalConfHolder holder = new GlobalConfHolder(new ConfigurationClient(anchor, new HttpConfigurationSource(anchor),
                Clock.systemUTC(), network.bc, null));
        holder.refresh();
        AuthCertificateTrustManager trust = new AuthCertificateTrustManager(holder, new OcspClient(
                HttpOcspTransport.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(), Duration.ofHours(1), network.bc,
                network.random), Clock.systemUTC());
        this.peers = new PeerClient(as.authKeyManager(), trust, new io.netty.channel.nio.NioEventLoopGroup(1),
                Executors.newCachedThreadPool(), 1 << 20, Duration.ofSeconds(5));
    }

    /** The consumer server's client to its peers, as the forger uses it. */
    PeerClient peers() {
        return peers;
    }

    /** The signed summary a correct consumer would make for a POST of {@code body} to person{@code path}. */
    RequestDigest digest(String path, byte[] body) {
        return RequestDigest.builder().id("forged-1").client(TestNetwork.TAX).service(TestNetwork.PERSON).method("POST")
                .path(path).query("").headersSha256(MessageHashes.headers(List.of()))
                .bodySha256(MessageHashes.sha256(body)).purpose("tax-assessment")
                .iat(Clock.systemUTC().instant().getEpochSecond()).build();
    }

    String sign(RequestDigest digest, SigningKey key, X509Certificate certificate) throws JsonProcessingException, OcspException, SigningException {
        byte[] ocsp = new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(5)), Clock.systemUTC(),
                Duration.ofHours(1), network.bc, network.random).check(certificate, network.ca.caCertificate()).encoded();
        return new JwsSigner(key, List.of(certificate)).sign(ProtocolJson.mapper().writeValueAsBytes(digest),
                Map.of("ocsp", Base64.getEncoder().encodeToString(ocsp)));
    }

    HttpExchangeClient.Answer send(String path, String clientHeader, String signature, byte[] body) throws ExecutionException, InterruptedException {
        HttpExchangeClient.Request request = new HttpExchangeClient.Request("POST",
                "/r1/DEMO/GOV/1001/population/person" + path, List.of(Map.entry("X-Road-Client", clientHeader),
                Map.entry("X-Road-Id", "forged-1"), Map.entry("X-Road-Purpose", "tax-assessment"),
                Map.entry("X-Road-Signature", signature)), body);
        return peers.send("127.0.0.1:" + network.provider.serverProxy().getPort(), request, Duration.ofSeconds(10),
                "forger", 1).get();
    }
}
