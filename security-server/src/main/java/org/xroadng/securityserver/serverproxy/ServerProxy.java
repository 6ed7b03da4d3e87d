package org.xroadng.securityserver.serverproxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.xroadng.securityserver.http.LimitedAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.NettyServer;
import org.xroadng.securityserver.http.ProxyGuards;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;
import org.xroadng.securityserver.transport.HandshakeRefusals;
import org.xroadng.securityserver.transport.TlsRefusalLog;

/**
 * The peer-facing listener: TLS 1.3 with mandatory client certificates (the peers' authentication
 * certificates), HTTP/1.1 with keep-alive, bodies up to the configured limit, the {@link ProxyGuards}
 * (connection limit, idle and header deadlines, the server's body budget), refused handshakes
 * reported as rate-limited single lines ({@link TlsRefusalLog}). Certificate checks
 * run as delegated TLS tasks on the worker executor, off the event loop.
 */
public final class ServerProxy implements AutoCloseable {

    private final NettyServer server;

    private ServerProxy(NettyServer server) {
        this.server = server;
    }

    public static ServerProxy start(InetSocketAddress address, X509KeyManager authKeys,
                                    AuthCertificateTrustManager trustManager, ServerProxyService service,
                                    GlobalConfHolder globalConf, ProxyGuards guards, TlsRefusalLog refusals,
                                    EventLoopGroup boss, EventLoopGroup loops, Executor workers) throws IOException {
        SslContext tls = tlsContext(authKeys, trustManager);
        HandshakeRefusals handshakeRefusals = new HandshakeRefusals(refusals);
        NettyServer server = NettyServer.bind(address, boss, loops,
                ch -> pipeline(ch, tls, workers, handshakeRefusals, service, globalConf, guards));
        return new ServerProxy(server);
    }

    /** TLS 1.3 only, the peer's certificate required and checked by {@code trustManager}. */
    static SslContext tlsContext(X509KeyManager authKeys, AuthCertificateTrustManager trustManager) throws IOException {
        try {
            return SslContextBuilder.forServer(authKeys)
                    .trustManager(trustManager)
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3")
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS for the server proxy: " + e.getMessage(), e);
        }
    }

    /** The handlers of one peer connection, in order; certificate checks run as TLS tasks on {@code workers}. */
    static void pipeline(Channel ch, SslContext tls, Executor workers, HandshakeRefusals handshakeRefusals,
                         ServerProxyService service, GlobalConfHolder globalConf, ProxyGuards guards) {
        guards.first(ch);
        ch.pipeline()
                .addLast("tls", tls.newHandler(ch.alloc(), workers))
                .addLast("refusals", handshakeRefusals)
                .addLast("http", new HttpServerCodec(8192, 65536, 65536))
                .addLast("timeouts", guards.timeouts())
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("budget", guards.budgetGuard())
                .addLast("aggregate", new LimitedAggregator(guards.maxBodyBytes()))
                .addLast("exchange", new ServerProxyHandler(service, globalConf));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
