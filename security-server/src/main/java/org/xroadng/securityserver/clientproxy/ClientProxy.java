package org.xroadng.securityserver.clientproxy;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import org.xroadng.securityserver.http.NettyServer;

/** The information-system-facing listener: HTTP/1.1 with keep-alive and a body limit. */
public final class ClientProxy implements AutoCloseable {

    private final NettyServer server;

    private ClientProxy(NettyServer server) {
        this.server = server;
    }

    public static ClientProxy start(InetSocketAddress address, ClientProxyService service, int maxBodyBytes,
                                    EventLoopGroup boss, EventLoopGroup loops, Executor workers) throws IOException {
        return new ClientProxy(NettyServer.bind(address, boss, loops, ch -> ch.pipeline()
                .addLast("http", new HttpServerCodec(8192, 16384, 65536))
                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                .addLast("aggregate", new LimitedAggregator(maxBodyBytes))
                .addLast("exchange", new ClientProxyHandler(service, workers))));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
