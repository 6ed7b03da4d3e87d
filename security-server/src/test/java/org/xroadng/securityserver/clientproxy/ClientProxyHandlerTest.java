package org.xroadng.securityserver.clientproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.securityserver.ExchangeListener;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.BodyBudget;
import org.xroadng.securityserver.http.ConnectionStats;
import org.xroadng.securityserver.http.ProxyGuards;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.metadata.ListClients;
import org.xroadng.securityserver.message.MessageSigner;
import org.xroadng.securityserver.message.MessageSigningException;
import org.xroadng.securityserver.message.SingleMessageSigner;
import org.xroadng.securityserver.message.SingleMessageVerifier;
import org.xroadng.securityserver.testing.EmbeddedHttp;
import org.xroadng.securityserver.testing.ProxyFixture;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.PeerClient;

/**
 * The client proxy's pipeline as production builds it ({@link ClientProxy#http}), fed raw HTTP
 * through an {@link EmbeddedChannel}, with a real {@link ClientProxyService} over a real CA, OCSP
 * responder and signed configuration: what the information system reads back for requests that
 * end before any peer is asked.
 */
class ClientProxyHandlerTest {

    private static final int MAX_BODY = 1000;
    private static final SubsystemId HTTPS_CLIENT = ProxyFixture.CONSUMER_MEMBER.subsystem("secure");
    private static final String TARGET = "/r1/DEMO/GOV/1001/population/person/EE38001010001";

    @TempDir
    static Path dir;
    static ProxyFixture fixture;
    static GlobalConfHolder globalConf;
    static EventLoopGroup loops;
    static ExecutorService tasks;
    static PeerClient peers;
    static MessageSigner signer;

    private final BodyBudget budget = new BodyBudget(4000);
    private final ProxyGuards guards = new ProxyGuards(new ConnectionStats(), budget, 10, Duration.ofSeconds(30),
            Duration.ofSeconds(10), MAX_BODY, ErrorType.CLIENT_PROXY_OVERLOADED);
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
        peers = new PeerClient(fixture.consumer.authKeyManager(), new AuthCertificateTrustManager(globalConf,
                new OcspClient(fixture.ocspTransport(), fixture.clock, Duration.ofHours(1), fixture.bc, fixture.random),
                fixture.clock), loops, tasks, 1 << 20, Duration.ofSeconds(5));
        signer = new SingleMessageSigner(fixture.consumer, fixture.ownOcsp(fixture.consumer, globalConf));
    }

    @AfterAll
    static void close() {
        peers.close();
        loops.shutdownGracefully();
        tasks.shutdownNow();
        fixture.close();
    }

    private EmbeddedChannel channel(MessageSigner signer) {
        LocalConfiguration local = new LocalConfiguration(fixture.consumer.serverId(), Map.of(
                ProxyFixture.CLIENT, new LocalClient(ProxyFixture.CLIENT, LocalClient.IsAuthentication.HTTP, Set.of(), true),
                HTTPS_CLIENT, new LocalClient(HTTPS_CLIENT, LocalClient.IsAuthentication.HTTPS, Set.of("00"), true)),
                Map.of(), List.of(), Map.of());
        ClientProxyService service = new ClientProxyService(() -> local, globalConf, signer,
                new SingleMessageVerifier(fixture.bc, fixture.clock), peers,
                new ProviderServers(fixture.clock, java.util.concurrent.ThreadLocalRandom::current), MessageLog.NONE, listener, fixture.clock);
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                guards.first(ch);
                ClientProxy.http(ch.pipeline(), service, new ListClients(globalConf), guards);
            }
        });
    }

    private EmbeddedChannel channel() {
        return channel(signer);
    }

    /** Asserts an error answer as DESIGN.md section 6 has it; returns its JSON body. */
    private static JsonNode assertError(FullHttpResponse response, int status, ErrorType type) throws IOException {
        try {
            assertEquals(status, response.status().code());
            assertEquals(type.code(), response.headers().get("X-Road-Error"));
            assertEquals("application/json; charset=utf-8", response.headers().get("Content-Type"));
            JsonNode json = EmbeddedHttp.json(response);
            assertEquals(type.code(), json.get("type").asText());
            assertFalse(json.get("message").asText().isBlank());
            return json;
        } finally {
            response.release();
        }
    }

    private static String get(String target, String... headers) {
        List<String> lines = new ArrayList<>(List.of("GET " + target + " HTTP/1.1", "Host: proxy"));
        lines.addAll(List.of(headers));
        return String.join("\r\n", lines);
    }

    @Test
    void malformedHeaderLine_isAnswered400BadRequest_andTheConnectionCloses() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", "GET " + TARGET + " HTTP/1.1", "Host: proxy",
                "X-Road-Client DEMO/GOV/1002/tax"));

        JsonNode json = assertError(EmbeddedHttp.response(channel), 400, ErrorType.CLIENT_BAD_REQUEST);
        assertTrue(json.get("message").asText().startsWith("the request is not valid HTTP/1.1"), json.toString());
        assertFalse(channel.isOpen(), "after a request it could not read, nothing on the connection can be trusted");
        channel.finishAndReleaseAll();
        assertEquals(0, budget.inFlight());
    }

    @Test
    void bodyOverTheLimit_isAnswered413RequestTooLarge() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("x".repeat(MAX_BODY + 1), "POST " + TARGET + " HTTP/1.1",
                "Host: proxy", "X-Road-Client: DEMO/GOV/1002/tax", "Content-Length: " + (MAX_BODY + 1)));

        JsonNode json = assertError(EmbeddedHttp.response(channel), 413, ErrorType.CLIENT_REQUEST_TOO_LARGE);
        assertEquals("the request body is larger than this server's limit of 1000 bytes", json.get("message").asText());
        assertTrue(failures.isEmpty(), "the exchange never started");
        channel.finishAndReleaseAll();
        assertEquals(0, budget.inFlight());
    }

    @Test
    void announcedBodyOverTheLimit_isRefused413WithoutContinue_andTheConnectionCloses() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", "POST " + TARGET + " HTTP/1.1", "Host: proxy",
                "X-Road-Client: DEMO/GOV/1002/tax", "Content-Length: 5000", "Expect: 100-continue"));

        FullHttpResponse response = EmbeddedHttp.response(channel);
        assertEquals("close", response.headers().get("Connection"));
        assertError(response, 413, ErrorType.CLIENT_REQUEST_TOO_LARGE);
        assertFalse(channel.isOpen());
        channel.finishAndReleaseAll();
    }

    @Test
    void bodyBudgetSpent_isAnswered503Overloaded() throws IOException {
        budget.open().tryGrow(3500);
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("x".repeat(800), "POST " + TARGET + " HTTP/1.1", "Host: proxy",
                "X-Road-Client: DEMO/GOV/1002/tax", "Content-Length: 800"));

        assertError(EmbeddedHttp.response(channel), 503, ErrorType.CLIENT_PROXY_OVERLOADED);
        assertEquals(3500, budget.inFlight(), "the refused request holds nothing");
        channel.finishAndReleaseAll();
    }

    @Test
    void targetOutsideR1_isAnswered400InvalidUri_onAConnectionKeptOpen() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get("/r2/DEMO/GOV/1001/population/person",
                "X-Road-Client: DEMO/GOV/1002/tax")));

        FullHttpResponse response = EmbeddedHttp.response(channel);
        assertNull(response.headers().get("Connection"), "HTTP/1.1: kept alive unless it says close");
        assertEquals(response.content().readableBytes(), response.headers().getInt("Content-Length"));
        assertError(response, 400, ErrorType.CLIENT_INVALID_URI);
        assertTrue(channel.isOpen());
        assertEquals(List.of(ErrorType.CLIENT_INVALID_URI), failures);
        assertEquals(0, budget.inFlight(), "the answer written, the exchange's reservation is given back");

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET)));
        assertError(EmbeddedHttp.response(channel), 400, ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER);
        channel.finishAndReleaseAll();
    }

    @Test
    void missingClientHeader_isAnswered400InvalidClientIdentifier_withAFaultIdAsDetail() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET, "X-Road-Id: query-7")));

        JsonNode json = assertError(EmbeddedHttp.response(channel), 400, ErrorType.CLIENT_INVALID_CLIENT_IDENTIFIER);
        assertEquals("X-Road-Client header is missing; expected INSTANCE/CLASS/MEMBER[/SUBSYSTEM]",
                json.get("message").asText());
        assertFaultId(json);
        channel.finishAndReleaseAll();
    }

    @Test
    void clientNotHostedHere_isAnswered400UnknownMember() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET, "X-Road-Client: DEMO/GOV/1002/other")));

        assertError(EmbeddedHttp.response(channel), 400, ErrorType.CLIENT_UNKNOWN_MEMBER);
        channel.finishAndReleaseAll();
    }

    @Test
    void httpsClientOverPlainHttp_isAnswered400AuthenticationFailed() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET, "X-Road-Client: DEMO/GOV/1002/secure")));

        assertError(EmbeddedHttp.response(channel), 400, ErrorType.CLIENT_AUTHENTICATION_FAILED);
        channel.finishAndReleaseAll();
    }

    @Test
    void serviceNobodyHosts_isAnswered500UnknownMember() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get("/r1/DEMO/GOV/1001/elsewhere/person",
                "X-Road-Client: DEMO/GOV/1002/tax")));

        assertError(EmbeddedHttp.response(channel), 500, ErrorType.CLIENT_PROXY_UNKNOWN_MEMBER);
        channel.finishAndReleaseAll();
    }

    @Test
    void signerWithoutAFreshStatus_isAnswered500CertificateStatusUnavailable() throws IOException {
        EmbeddedChannel channel = channel((member, summary, trusted) -> CompletableFuture.failedFuture(
                new MessageSigningException(MessageSigningException.Reason.CERTIFICATE_STATUS_UNAVAILABLE,
                        "the OCSP response is no longer fresh")));

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET, "X-Road-Client: DEMO/GOV/1002/tax",
                "X-Road-Id: query-8")));

        JsonNode json = assertError(EmbeddedHttp.response(channel), 500,
                ErrorType.CLIENT_PROXY_CERTIFICATE_STATUS_UNAVAILABLE);
        assertEquals("the OCSP response is no longer fresh", json.get("message").asText());
        assertFaultId(json);
        assertEquals(List.of(ErrorType.CLIENT_PROXY_CERTIFICATE_STATUS_UNAVAILABLE), failures);
        channel.finishAndReleaseAll();
        assertEquals(0, budget.inFlight());
    }

    @Test
    void signerFailing_isAnswered500CannotCreateSignature() throws IOException {
        EmbeddedChannel channel = channel((member, summary, trusted) -> CompletableFuture.failedFuture(
                new MessageSigningException(MessageSigningException.Reason.SIGNING_FAILED, "the token is locked")));

        channel.writeInbound(EmbeddedHttp.request("", get(TARGET, "X-Road-Client: DEMO/GOV/1002/tax")));

        JsonNode json = assertError(EmbeddedHttp.response(channel), 500, ErrorType.CLIENT_PROXY_CANNOT_CREATE_SIGNATURE);
        assertFaultId(json);
        channel.finishAndReleaseAll();
    }

    @Test
    void connectionClose_isHonouredAfterTheAnswer() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("", get("/r2/x", "Connection: close")));

        FullHttpResponse response = EmbeddedHttp.response(channel);
        assertEquals("close", response.headers().get("Connection"));
        assertError(response, 400, ErrorType.CLIENT_INVALID_URI);
        assertFalse(channel.isOpen());
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    /** X-Road puts a fault id in {@code detail}: a UUID the server logged with the failure. */
    private static void assertFaultId(JsonNode json) {
        java.util.UUID.fromString(json.get("detail").asText());
    }
}
