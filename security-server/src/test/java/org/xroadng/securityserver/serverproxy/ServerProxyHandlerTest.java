package org.xroadng.securityserver.serverproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.ImmediateExecutor;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.BodyBudget;
import org.xroadng.securityserver.http.ConnectionStats;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.http.ProxyGuards;
import org.xroadng.securityserver.http.Reservation;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.message.HeaderFilter;
import org.xroadng.securityserver.message.MessageSigner;
import org.xroadng.securityserver.message.ProtocolHeaders;
import org.xroadng.securityserver.message.RequestDigest;
import org.xroadng.securityserver.message.RestPath;
import org.xroadng.securityserver.message.ServerIdentity;
import org.xroadng.securityserver.message.SingleMessageSigner;
import org.xroadng.securityserver.message.SingleMessageVerifier;
import org.xroadng.securityserver.testing.EmbeddedHttp;
import org.xroadng.securityserver.testing.ProxyFixture;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.HandshakeRefusals;
import org.xroadng.securityserver.transport.TlsRefusalLog;

/**
 * The server proxy's pipeline as production builds it ({@link ServerProxy#pipeline}), TLS 1.3 with
 * the peers' real auth certificates included: a consumer-side {@link EmbeddedChannel} and the
 * server's exchange bytes in memory, the server running a real {@link ServerProxyService}. What a
 * peer reads back for requests that the provider's server refuses before calling its IS.
 */
class ServerProxyHandlerTest {

    private static final int MAX_BODY = 1000;
    private static final String TARGET = "/r1/DEMO/GOV/1001/population/person/EE38001010001";

    @TempDir
    static Path dir;
    static ProxyFixture fixture;
    static GlobalConfHolder globalConf;
    static EventLoopGroup loops;
    static ExecutorService tasks;
    static ProviderIsClient providerIs;
    static SslContext serverTls;
    static SslContext clientTls;
    static MessageSigner consumerSigner;
    static MessageSigner providerSigner;

    private final BodyBudget budget = new BodyBudget(4000);
    private final ProxyGuards guards = new ProxyGuards(new ConnectionStats(), budget, 10, Duration.ofSeconds(30),
            Duration.ofSeconds(10), MAX_BODY, ErrorType.SERVER_PROXY_OVERLOADED);
    private final List<ErrorType> failures = new ArrayList<>();
    private final ExchangeListener listener = new ExchangeListener() {
        @Override
        public void exchangeFailed(Side side, ErrorType type, long nanos) {
            failures.add(type);
        }
    };

    @BeforeAll
    static void parts() throws CaException, GeneralSecurityException, IOException, SigningException, TokenException {
        fixture = new ProxyFixture(dir);
        globalConf = fixture.globalConf();
        loops = new NioEventLoopGroup(1);
        tasks = Executors.newSingleThreadExecutor();
        providerIs = new ProviderIsClient(loops, tasks, 1 << 20);
        AuthCertificateTrustManager trust = new AuthCertificateTrustManager(globalConf, new OcspClient(
                fixture.ocspTransport(), fixture.clock, Duration.ofHours(1), fixture.bc, fixture.random), fixture.clock);
        serverTls = ServerProxy.tlsContext(fixture.provider.authKeyManager(), trust);
        clientTls = SslContextBuilder.forClient().keyManager(fixture.consumer.authKeyManager()).trustManager(trust)
                .protocols("TLSv1.3").sslProvider(SslProvider.JDK).build();
        consumerSigner = new SingleMessageSigner(fixture.consumer, fixture.ownOcsp(fixture.consumer, globalConf));
        providerSigner = new SingleMessageSigner(fixture.provider, fixture.ownOcsp(fixture.provider, globalConf));
    }

    @AfterAll
    static void close() {
        providerIs.close();
        loops.shutdownGracefully();
        tasks.shutdownNow();
        fixture.close();
    }

    private static LocalConfiguration local(List<AccessRight> rights) {
        return new LocalConfiguration(fixture.provider.serverId(), Map.of(ProxyFixture.PROVIDER,
                new LocalClient(ProxyFixture.PROVIDER, LocalClient.IsAuthentication.HTTP, Set.of(), true)),
                Map.of(ProxyFixture.SERVICE, new LocalService(ProxyFixture.SERVICE, URI.create("http://127.0.0.1:9/api"),
                        Duration.ofSeconds(10), false, true)),
                rights, Map.of());
    }

    private static final List<AccessRight> CLIENT_MAY_CALL = List.of(new AccessRight(ProxyFixture.SERVICE,
            new AccessRight.SubsystemSubject(ProxyFixture.CLIENT), "*", "/**", Set.of()));

    /** A connection from the consumer's server (TLS with its auth key) to a server proxy with {@code local}. */
    private final class Connection {
        final EmbeddedChannel server;
        final EmbeddedChannel client;

        Connection(LocalConfiguration local) {
            ServerProxyService service = new ServerProxyService(() -> local, globalConf,
                    new SingleMessageVerifier(fixture.bc, fixture.clock), providerSigner, providerIs, MessageLog.NONE,
                    listener, fixture.clock, null);
            server = new EmbeddedChannel(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ServerProxy.pipeline(ch, serverTls, ImmediateExecutor.INSTANCE,
                            new HandshakeRefusals(TlsRefusalLog.toLogger(fixture.clock)), service, globalConf, guards);
                }
            });
            client = new EmbeddedChannel(clientTls.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT,
                    ImmediateExecutor.INSTANCE), new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
            shuttle();
        }

        /** Carries bytes both ways until neither side has more to say. */
        void shuttle() {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Object out = client.readOutbound(); out != null; out = client.readOutbound()) {
                    server.writeInbound(out);
                    moved = true;
                }
                for (Object out = server.readOutbound(); out != null; out = server.readOutbound()) {
                    client.writeInbound(out);
                    moved = true;
                }
            }
        }

        FullHttpResponse send(FullHttpRequest request) {
            client.writeOutbound(request);
            shuttle();
            FullHttpResponse response = client.readInbound();
            assertNotNull(response, "the server proxy answered");
            return response;
        }

        void close() {
            client.finishAndReleaseAll();
            server.finishAndReleaseAll();
        }
    }

    private static FullHttpRequest post(String target, byte[] body, Map<String, String> headers) {
        // unvalidated: a test may send what a correct peer never would
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
                Unpooled.wrappedBuffer(body), DefaultHttpHeadersFactory.headersFactory().withValidation(false),
                DefaultHttpHeadersFactory.trailersFactory());
        headers.forEach((name, value) -> request.headers().add(name, value));
        HttpUtil.setContentLength(request, body.length);
        return request;
    }

    /** The consumer's signature over what the provider's server will recompute for this request. */
    private static String signed(String target, byte[] body, Map<String, String> headers)
            throws ExchangeException, ExecutionException, InterruptedException {
        IncomingRequest request = new IncomingRequest("POST", target, List.copyOf(headers.entrySet()), body, true, null,
                Reservation.NONE);
        RequestDigest digest = RequestDigest.of(request, RestPath.parse(target), ProtocolHeaders.parse(request),
                HeaderFilter.endToEnd(request.headers()), fixture.clock.instant().getEpochSecond());
        return consumerSigner.sign(ProxyFixture.CONSUMER_MEMBER, digest,
                globalConf.current(ErrorType.SERVER_PROXY_OUTDATED_GLOBAL_CONF)).get();
    }

    private static Map<String, String> protocolHeaders(String client) {
        return Map.of("X-Road-Client", client, "X-Road-Id", "q-1");
    }

    /** Asserts an error answer as DESIGN.md section 6 has it; returns its JSON body. */
    private static JsonNode assertError(FullHttpResponse response, int status, ErrorType type) throws IOException {
        try {
            assertEquals(status, response.status().code());
            assertEquals(type.code(), response.headers().get("X-Road-Error"));
            assertEquals("application/json; charset=utf-8", response.headers().get("Content-Type"));
            JsonNode json = EmbeddedHttp.json(response);
            assertEquals(type.code(), json.get("type").asText());
            return json;
        } finally {
            response.release();
        }
    }

    @Test
    void clientThePeerDoesNotHost_isAnswered500UnknownMember() throws IOException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));

        FullHttpResponse response = connection.send(post(TARGET, new byte[0],
                protocolHeaders(ProxyFixture.PROVIDER.format())));

        JsonNode json = assertError(response, 500, ErrorType.SERVER_PROXY_UNKNOWN_MEMBER);
        assertEquals("security server DEMO/GOV/1002/ss1 is not registered as a host of client DEMO/GOV/1001/population",
                json.get("message").asText());
        java.util.UUID.fromString(json.get("detail").asText()); // a fault id
        assertEquals("q-1", response.headers().get("X-Road-Id"));
        assertTrue(connection.server.isOpen(), "a refusal keeps the peer's connection");
        connection.close();
        assertEquals(0, budget.inFlight());
    }

    @Test
    void serviceNotProvidedHere_isAnswered500UnknownService() throws IOException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));

        FullHttpResponse response = connection.send(post("/r1/DEMO/GOV/1001/population/other", new byte[0],
                protocolHeaders(ProxyFixture.CLIENT.format())));

        assertError(response, 500, ErrorType.SERVER_PROXY_UNKNOWN_SERVICE);
        connection.close();
    }

    @Test
    void noAccessRight_isAnswered500AccessDenied() throws IOException {
        Connection connection = new Connection(local(List.of()));

        FullHttpResponse response = connection.send(post(TARGET, new byte[0],
                protocolHeaders(ProxyFixture.CLIENT.format())));

        assertError(response, 500, ErrorType.SERVER_PROXY_ACCESS_DENIED);
        assertEquals(List.of(ErrorType.SERVER_PROXY_ACCESS_DENIED), failures);
        connection.close();
    }

    @Test
    void missingSignature_isAnswered500InvalidSignature() throws IOException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));

        FullHttpResponse response = connection.send(post(TARGET, new byte[0],
                protocolHeaders(ProxyFixture.CLIENT.format())));

        JsonNode json = assertError(response, 500, ErrorType.SERVER_PROXY_INVALID_SIGNATURE);
        assertEquals("request carries no X-Road-Signature", json.get("message").asText());
        connection.close();
    }

    @Test
    void alteredBody_isAnswered500DigestMismatch() throws IOException, ExchangeException, ExecutionException,
            InterruptedException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));
        Map<String, String> headers = protocolHeaders(ProxyFixture.CLIENT.format());
        String signature = signed(TARGET, "{\"amount\":1}".getBytes(StandardCharsets.UTF_8), headers);
        Map<String, String> sent = new java.util.HashMap<>(headers);
        sent.put("X-Road-Signature", signature);

        FullHttpResponse response = connection.send(post(TARGET, "{\"amount\":9}".getBytes(StandardCharsets.UTF_8),
                sent));

        JsonNode json = assertError(response, 500, ErrorType.SERVER_PROXY_DIGEST_MISMATCH);
        assertEquals("the request's body differs from what the consumer signed: it was altered after signing",
                json.get("message").asText());
        connection.close();
    }

    @Test
    void signatureWithoutOcspResponse_isAnswered500CertificateStatusUnavailable() throws IOException, SigningException,
            JsonProcessingException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));
        ServerIdentity.MemberKey key = fixture.consumer.signingKey(ProxyFixture.CONSUMER_MEMBER).orElseThrow();
        String signature = new JwsSigner(key.key(), key.chain()).sign(ProtocolJson.mapper().writeValueAsBytes(
                RequestDigest.builder().id("q-1").client(ProxyFixture.CLIENT).service(ProxyFixture.SERVICE)
                        .method("POST").path("/EE38001010001").headersSha256("h").bodySha256("b").build()));
        Map<String, String> headers = new java.util.HashMap<>(protocolHeaders(ProxyFixture.CLIENT.format()));
        headers.put("X-Road-Signature", signature);

        FullHttpResponse response = connection.send(post(TARGET, new byte[0], headers));

        assertError(response, 500, ErrorType.SERVER_PROXY_CERTIFICATE_STATUS_UNAVAILABLE);
        connection.close();
    }

    @Test
    void signatureByACertificateOfNoApprovedCa_isAnswered500CertificateInvalid() throws IOException, SigningException,
            JsonProcessingException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));
        KeyPair pair = Keys.generateP256(fixture.bc, fixture.random);
        JcaSigningKey key = new JcaSigningKey("rogue", pair.getPrivate(), pair.getPublic(), fixture.bc);
        X509Certificate rogue = X509Issuer.selfSigned(new X500Name("CN=DEMO/GOV/1002"), CertificateKind.CONFIGURATION_SIGN,
                key, Duration.ofDays(1), fixture.clock, fixture.random);
        String signature = new JwsSigner(key, List.of(rogue)).sign("{}".getBytes(StandardCharsets.UTF_8),
                Map.of("ocsp", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
        Map<String, String> headers = new java.util.HashMap<>(protocolHeaders(ProxyFixture.CLIENT.format()));
        headers.put("X-Road-Signature", signature);

        FullHttpResponse response = connection.send(post(TARGET, new byte[0], headers));

        assertError(response, 500, ErrorType.SERVER_PROXY_CERT_VALIDATION);
        connection.close();
    }

    @Test
    void bodyOverTheLimit_isAnswered413RequestTooLarge() throws IOException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));

        FullHttpResponse response = connection.send(post(TARGET, new byte[MAX_BODY + 1],
                protocolHeaders(ProxyFixture.CLIENT.format())));

        assertError(response, 413, ErrorType.CLIENT_REQUEST_TOO_LARGE);
        assertTrue(failures.isEmpty(), "no exchange started");
        connection.close();
        assertEquals(0, budget.inFlight());
    }

    @Test
    void malformedRequest_isAnswered400BadRequest_andTheConnectionCloses() throws IOException {
        Connection connection = new Connection(local(CLIENT_MAY_CALL));
        FullHttpRequest request = post(TARGET, new byte[0], protocolHeaders(ProxyFixture.CLIENT.format()));
        request.headers().add("Bad Name", "x"); // a space in a header name: not a token (RFC 9110 section 5.1)

        FullHttpResponse response = connection.send(request);

        JsonNode json = assertError(response, 400, ErrorType.CLIENT_BAD_REQUEST);
        assertTrue(json.get("message").asText().startsWith("the request is not valid HTTP/1.1"), json.toString());
        assertFalse(connection.server.isOpen());
        connection.close();
    }
}
