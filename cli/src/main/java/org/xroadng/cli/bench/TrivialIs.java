package org.xroadng.cli.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.xroadng.securityserver.http.NettyServer;

/** A provider information system that answers every request at once with a small JSON body: the benchmark's far end. */
public final class TrivialIs implements AutoCloseable {

    private static final byte[] BODY = "{\"personalCode\":\"EE38001010001\",\"name\":\"Mari Maasikas\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final NettyServer server;

    private TrivialIs(NettyServer server) {
        this.server = server;
    }

    public static TrivialIs start(InetSocketAddress address, EventLoopGroup loops) throws IOException {
        return new TrivialIs(NettyServer.bind(address, loops, loops, ch -> ch.pipeline()
                .addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new HttpObjectAggregator(1 << 20),
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
                                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                                HttpUtil.setContentLength(response, BODY.length);
                                HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
                                ctx.writeAndFlush(response);
                            }
                        })));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
