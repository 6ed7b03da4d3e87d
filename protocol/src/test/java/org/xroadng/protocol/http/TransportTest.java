package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void epollWhereItLoads_elseNio() {
        assertEquals(Transport.EPOLL, Transport.choose(true));
        assertEquals(Transport.NIO, Transport.choose(false));
    }

    /**
     * The native library is packaged for the platform the servers run on, and chosen where it
     * loads (a temporary directory mounted noexec, say, keeps it from loading: then NIO).
     */
    @Test
    void onLinuxX8664_epollIsPackaged_andChosenWhereItLoads() {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64"), "epoll is packaged for Linux x86-64");
        assertTrue(Transport.class.getClassLoader()
                .getResource("META-INF/native/libnetty_transport_native_epoll_x86_64.so") != null,
                "the native epoll library is on the class path");
        assertEquals(Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO, Transport.chosen(),
                () -> "epoll " + (Epoll.isAvailable() ? "loads" : "does not load: " + Epoll.unavailabilityCause()));
    }

    @Test
    void channels_followTheGroupsTransport() {
        assumeTrue(Epoll.isAvailable());
        EventLoopGroup epoll = Transport.EPOLL.group(1, new DefaultThreadFactory("test-epoll", true));
        EventLoopGroup nio = Transport.NIO.group(1, new DefaultThreadFactory("test-nio", true));
        EventLoopGroup legacy = new NioEventLoopGroup(1, new DefaultThreadFactory("test-legacy", true));
        try {
            assertEquals(EpollServerSocketChannel.class, Transport.serverChannel(epoll));
            assertEquals(EpollSocketChannel.class, Transport.socketChannel(epoll));
            assertEquals(NioServerSocketChannel.class, Transport.serverChannel(nio));
            assertEquals(NioSocketChannel.class, Transport.socketChannel(nio));
            assertEquals(NioSocketChannel.class, Transport.socketChannel(legacy));
        } finally {
            epoll.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            legacy.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Bytes sent over a real loopback connection on each transport come back as sent. */
    @Test
    void eachTransport_carriesAConnection() throws InterruptedException, ExecutionException, TimeoutException {
        for (Transport transport : Transport.values()) {
            if (transport == Transport.EPOLL && !Epoll.isAvailable()) {
                continue;
            }
            EventLoopGroup group = transport.group(1, new DefaultThreadFactory("test-" + transport, true));
            try {
                Channel server = new ServerBootstrap().group(group).channel(Transport.serverChannel(group))
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                        ctx.writeAndFlush(msg.retainedDuplicate());
                                    }
                                });
                            }
                        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                CompletableFuture<String> echoed = new CompletableFuture<>();
                Channel client = new Bootstrap().group(group).channel(Transport.socketChannel(group))
                        .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                echoed.complete(msg.toString(StandardCharsets.US_ASCII));
                            }
                        }).connect(server.localAddress()).sync().channel();
                client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();
                assertEquals("ping", echoed.get(10, TimeUnit.SECONDS), transport.name());
                client.close().sync();
                server.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
