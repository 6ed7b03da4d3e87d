package org.xroadng.securityserver.clientproxy;

import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.xroadng.securityserver.http.LimitedAggregator;
import org.xroadng.securityserver.http.NettyServer;
import org.xroadng.securityserver.http.ProxyGuards;
import org.xroadng.securityserver.metadata.ListClients;

/**
 * The information-system-facing listeners: HTTP/1.1 with keep-alive, a body limit and the
 * {@link ProxyGuards} (connection limit, idle and header deadlines, the server's body budget), and
 * optionally the same over TLS, where an information system may present its certificate (which
 * clients configured for HTTPS must, with a certificate they pinned). The server presents its
 * authentication certificate.
 */
public final class ClientProxy implements AutoCloseable {

    private final NettyServer plain;
    private final NettyServer tls;

    private ClientProxy(NettyServer plain, NettyServer tls) {
        this.plain = plain;
        this.tls = tls;
    }

    /** @param tlsAddress null for no HTTPS listener */
    public static ClientProxy start(InetSocketAddress address, InetSocketAddress tlsAddress, X509KeyManager serverKeys,
                                    ClientProxyService service, ListClients listClients, ProxyGuards guards,
                                    EventLoopGroup boss,
                                    EventLoopGroup loops, Executor tlsTasks) throws IOException {
        NettyServer plain = NettyServer.bind(address, boss, loops, ch -> {
            guards.first(ch);
            http(ch.pipeline(), service, listClients, guards);
        });
        if (tlsAddress == null) {
            return new ClientProxy(plain, null);
        }
        SslContext context;
        try {
            context = SslContextBuilder.forServer(serverKeys)
                    .trustManager(new IsCertificateTrustManager())
                    .clientAuth(ClientAuth.OPTIONAL)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (SSLException e) {
            plain.close();
            throw new IOException("cannot set up TLS for the client proxy: " + e.getMessage(), e);
        }
        try {
            NettyServer tls = NettyServer.bind(tlsAddress, boss, loops, ch -> {
                guards.first(ch);
                ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), tlsTasks));
                http(ch.pipeline(), service, listClients, guards);
            });
            return new ClientProxy(plain, tls);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * The HTTP handlers of an information system's connection, after TLS if any. Both listeners
     * share the connection limit's count: {@code guards} is one per client proxy.
     */
    static void http(ChannelPipeline pipeline, ClientProxyService service, ListClients listClients,
                     ProxyGuards guards) {
        pipeline.addLast("http", new HttpServerCodec(8192, 16384, 65536))
                .addLast("timeouts", guards.timeouts())
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("budget", guards.budgetGuard())
                .addLast("aggregate", new LimitedAggregator(guards.maxBodyBytes()))
                .addLast("exchange", new ClientProxyHandler(service, listClients));
    }

    public InetSocketAddress address() {
        return plain.address();
    }

    /** The HTTPS listener's address, if there is one. */
    public java.util.Optional<InetSocketAddress> tlsAddress() {
        return tls == null ? java.util.Optional.empty() : java.util.Optional.of(tls.address());
    }

    @Override
    public void close() {
        plain.close();
        if (tls != null) {
            tls.close();
        }
    }
}
