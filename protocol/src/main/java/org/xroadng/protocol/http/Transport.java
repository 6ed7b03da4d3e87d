package org.xroadng.protocol.http;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The socket transport under every Netty server and client of this process: Linux's epoll where
 * Netty's native library loads (fewer system calls and allocations per wakeup than the JDK's
 * selector), the JDK's NIO elsewhere. Netty's own switch {@code -Dio.netty.transport.noNative=true}
 * keeps the native library from loading, and so chooses NIO. Channels are chosen by the event loop
 * group they are registered with, so a group made by a test with another transport still gets
 * channels it can serve.
 */
public enum Transport {
    EPOLL(EpollIoHandler::newFactory),
    NIO(NioIoHandler::newFactory);

    private final Supplier<IoHandlerFactory> handlers;

    Transport(Supplier<IoHandlerFactory> handlers) {
        this.handlers = handlers;
    }

    /** The transport of this platform: epoll where Netty's native library loads, else NIO. */
    public static Transport chosen() {
        return choose(Epoll.isAvailable());
    }

    static Transport choose(boolean epollAvailable) {
        return epollAvailable ? EPOLL : NIO;
    }

    /** A group of {@code threads} event loops on this transport, their threads made by {@code factory}. */
    public EventLoopGroup group(int threads, ThreadFactory factory) {
        return new MultiThreadIoEventLoopGroup(threads, factory, handlers.get());
    }

    /** The listening channel class for {@code group}'s transport. */
    public static Class<? extends ServerSocketChannel> serverChannel(EventLoopGroup group) {
        return usesEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The connection channel class for {@code group}'s transport. */
    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return usesEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private static boolean usesEpoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }
}
