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
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The socket transport under every Netty server and client of this process: Linux's epoll where
 * Netty's native library loads (fewer system calls and allocations per wakeup than the JDK's
 * selector), the JDK's NIO elsewhere. The system property {@value #PROPERTY} ({@code epoll} or
 * {@code nio}) chooses one; {@code epoll} where it cannot load is refused with the reason.
 * Channels are chosen by the event loop group they are registered with, so a group made by a test
 * with another transport still gets channels it can serve.
 */
public enum Transport {
    EPOLL(EpollIoHandler::newFactory),
    NIO(NioIoHandler::newFactory);

    /** The system property that chooses the transport. */
    public static final String PROPERTY = "xroad.transport";

    private final Supplier<IoHandlerFactory> handlers;

    Transport(Supplier<IoHandlerFactory> handlers) {
        this.handlers = handlers;
    }

    /**
     * The transport this process uses: {@value #PROPERTY} if set, else epoll where available, else NIO.
     *
     * @throws IllegalArgumentException if {@value #PROPERTY} names no transport, or epoll where it cannot load
     */
    public static Transport chosen() {
        return choose(System.getProperty(PROPERTY), Epoll.isAvailable(), Epoll::unavailabilityCause);
    }

    /**
     * The transport for a {@value #PROPERTY} value ({@code null}: none given) where epoll is
     * {@code epollAvailable}.
     *
     * @throws IllegalArgumentException for a value other than {@code epoll} or {@code nio}, or
     *                                  {@code epoll} where it is not available
     */
    static Transport choose(String property, boolean epollAvailable, Supplier<Throwable> whyNot) {
        if (property == null || property.isBlank()) {
            return epollAvailable ? EPOLL : NIO;
        }
        return switch (property.strip().toLowerCase(Locale.ROOT)) {
            case "epoll" -> {
                if (!epollAvailable) {
                    Throwable cause = whyNot.get();
                    throw new IllegalArgumentException(PROPERTY + " is epoll, but Netty's epoll transport cannot load"
                            + " here: " + (cause == null ? "not Linux" : cause.getMessage()) + "; use nio");
                }
                yield EPOLL;
            }
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException(PROPERTY + " is '" + property
                    + "'; expected epoll or nio");
        };
    }

    /** A group of {@code threads} event loops on this transport, their threads made by {@code threads}. */
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
