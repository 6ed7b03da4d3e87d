package org.xroadng.securityserver.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.xroadng.protocol.http.Transport;
import org.xroadng.securityserver.http.BudgetExceededException;
import org.xroadng.securityserver.http.Reservation;

/**
 * An asynchronous HTTP/1.1 client on Netty with a pool of kept-alive connections per address, over
 * TLS when given an {@link SslContext}: one handshake per connection, not per request. Redirects
 * are never followed. A request that gets no answer within its timeout fails with a
 * {@link TimeoutException} and its connection is closed; a refused or broken connection fails
 * with the cause (a {@link java.net.ConnectException}, an {@link javax.net.ssl.SSLException}),
 * wrapped in a {@link RequestNotSentException} when no byte of the request reached the connection.
 * Answers complete on the connection's event loop; callers move work elsewhere.
 */
public final class HttpExchangeClient implements AutoCloseable {

    /** A request to send: method, target (path and query), headers in order, body. */
    public record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
    }

    /**
     * An answer: status, headers in order, body, the server's TLS certificate (null without TLS),
     * and how long the request waited for its connection before it was written (taking a pooled
     * connection, or connecting and the TLS handshake for a new one).
     */
    public record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body, X509Certificate peer,
                         long connectNanos) {

        public Answer(int status, List<Map.Entry<String, String>> headers, byte[] body, X509Certificate peer) {
            this(status, headers, body, peer, 0);
        }

        public java.util.Optional<String> header(String name) {
            for (Map.Entry<String, String> header : headers) {
                if (header.getKey().equalsIgnoreCase(name)) {
                    return java.util.Optional.of(header.getValue());
                }
            }
            return java.util.Optional.empty();
        }
    }

    private static final AttributeKey<CompletableFuture<Answer>> PENDING = AttributeKey.valueOf("xroad.pending");
    private static final AttributeKey<Reservation> RESERVATION = AttributeKey.valueOf("xroad.answerReservation");
    /** Set once a connection has carried an answer: a pooled connection the other side may since have closed. */
    private static final AttributeKey<Boolean> REUSED = AttributeKey.valueOf("xroad.reused");
    /** Set when the first byte of the pending request's answer arrived. */
    private static final AttributeKey<Boolean> ANSWERING = AttributeKey.valueOf("xroad.answering");
    /**
     * A pooled connection idle this long is closed by this side. Servers close idle connections
     * too (ours after {@code idleTimeoutSeconds}, 30 s by default): closing first keeps a request
     * from being written into a connection the server is closing at that moment.
     */
    static final int POOL_IDLE_SECONDS = 20;
    /**
     * Most connections to one address being opened (TCP connect and TLS handshake) at once; other
     * requests that find no idle connection wait for the next one released or opened.
     */
    static final int MAX_OPENING = 4;
    /** Methods a server may receive twice with the effect of once (RFC 9110 section 9.2.2). */
    private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT",
            "DELETE");

    private final EventLoopGroup loops;
    private final SslContext tls;
    private final Executor tlsTasks;
    private final int maxResponseBytes;
    private final Duration connectTimeout;
    private final boolean verifyHostname;
    private final Map<InetSocketAddress, Connections> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param tls            null for plain HTTP
     * @param tlsTasks       where TLS delegated tasks (certificate checks) run, off the event loop
     * @param verifyHostname check the server certificate's name against the host (RFC 2818); off
     *                       between security servers, which are identified by registered certificates
     */
    public HttpExchangeClient(EventLoopGroup loops, SslContext tls, Executor tlsTasks, boolean verifyHostname,
                              int maxResponseBytes, Duration connectTimeout) {
        this.loops = loops;
        this.tls = tls;
        this.tlsTasks = tlsTasks;
        this.verifyHostname = verifyHostname;
        this.maxResponseBytes = maxResponseBytes;
        this.connectTimeout = connectTimeout;
    }

    public CompletableFuture<Answer> send(InetSocketAddress address, Request request, Duration timeout) {
        return send(address, request, timeout, Reservation.NONE);
    }

    /**
     * Sends, holding the answer's body bytes in {@code reservation} as they arrive (its declared
     * length at once); an answer the reservation cannot grow for fails with a
     * {@link BudgetExceededException} and its connection is closed. The caller closes the reservation.
     */
    public CompletableFuture<Answer> send(InetSocketAddress address, Request request, Duration timeout,
                                          Reservation reservation) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        if (closed) {
            answer.completeExceptionally(new RequestNotSentException(new ClientClosedException()));
            return answer;
        }
        attempt(address, request, System.nanoTime() + timeout.toNanos(), reservation, answer, true, false);
        return answer;
    }

    /**
     * One try on a pooled connection. A connection that carried an answer before and fails before
     * any byte of this one's answer arrived may have been closed by the other side while idle, just
     * as the request went out. The request goes again, once, on another connection, within what is
     * left of the same deadline, but only when that cannot apply it twice: when it was never
     * written, or when its method is idempotent (RFC 9110 section 9.2.2). A POST the server may
     * have read is not sent again; its caller sees the failure.
     *
     * <p>The request is written only once the connection is open and its TLS handshake done, on
     * the connection's event loop, so whether any byte of it can have reached the peer is known
     * exactly: a failure before that point (in this try and any earlier one, {@code sentBefore})
     * is reported as a {@link RequestNotSentException}.
     */
    private void attempt(InetSocketAddress address, Request request, long deadline, Reservation reservation,
                         CompletableFuture<Answer> answer, boolean mayRetry, boolean sentBefore) {
        long begun = System.nanoTime();
        Connections pool = pools.computeIfAbsent(address, this::connections);
        io.netty.util.concurrent.Future<Channel> acquiring = pool.acquire(deadline);
        answer.whenComplete((a, e) -> {
            if (e != null) {
                acquiring.cancel(false); // the caller gave up while the request waited for a connection
            }
        });
        acquiring.addListener(acquired -> {
            if (acquired.isCancelled()) {
                return;
            }
            if (!acquired.isSuccess()) {
                answer.completeExceptionally(sentBefore ? acquired.cause() : new RequestNotSentException(acquired.cause()));
                return;
            }
            Channel channel = (Channel) acquired.getNow();
            boolean reused = Boolean.TRUE.equals(channel.attr(REUSED).get());
            CompletableFuture<Answer> thisTry = new CompletableFuture<>();
            boolean[] written = new boolean[1];
            java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
            long[] connectNanos = new long[1];
            long timeoutNanos = Math.max(0, deadline - System.nanoTime());
            channel.attr(PENDING).set(thisTry);
            channel.attr(RESERVATION).set(reservation);
            channel.attr(ANSWERING).set(false);
            var timer = channel.eventLoop().schedule(() -> {
                if (thisTry.completeExceptionally(new TimeoutException("no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"))) {
                    channel.close();
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            thisTry.whenComplete((a, e) -> {
                timer.cancel(false);
                boolean answering = Boolean.TRUE.equals(channel.attr(ANSWERING).get());
                channel.attr(PENDING).set(null);
                channel.attr(RESERVATION).set(null);
                boolean reusable = e == null && channel.isActive() && !closed;
                if (reusable) {
                    channel.attr(REUSED).set(true);
                } else {
                    channel.close(); // a closed client's pools keep no connection
                }
                pool.release(channel, reusable);
                boolean everSent = sentBefore || sent.get();
                if (e == null) {
                    answer.complete(new Answer(a.status(), a.headers(), a.body(), a.peer(), connectNanos[0]));
                } else if (mayRetry && reused && !answering && e instanceof IOException && !closed
                        && (!written[0] || IDEMPOTENT.contains(request.method()))
                        && deadline - System.nanoTime() > 0) {
                    attempt(address, request, deadline, reservation, answer, false, everSent);
                } else {
                    answer.completeExceptionally(everSent || e instanceof RequestNotSentException ? e
                            : new RequestNotSentException(e));
                }
            });
            answer.whenComplete((a, e) -> {
                if (e != null) {
                    thisTry.completeExceptionally(e); // the caller gave up: this try's connection closes
                }
            });
            handshake(channel).addListener(ready -> { // on the connection's event loop
                if (thisTry.isDone()) {
                    return;
                }
                if (!ready.isSuccess()) {
                    thisTry.completeExceptionally(ready.cause());
                    return;
                }
                if (!channel.isActive()) {
                    thisTry.completeExceptionally(new java.nio.channels.ClosedChannelException());
                    return;
                }
                // From here bytes of the request may reach the peer, even if the write then fails.
                sent.set(true);
                connectNanos[0] = System.nanoTime() - begun;
                channel.writeAndFlush(toNetty(address, request)).addListener(write -> {
                    written[0] = write.isSuccess();
                    if (!write.isSuccess()) {
                        Throwable cause = write.cause();
                        thisTry.completeExceptionally(cause instanceof IOException ? cause : new IOException(
                                "the request could not be written: " + cause.getMessage(), cause));
                    }
                });
            });
        });
    }

    /** Completes, on the connection's event loop, when the connection can carry the request: at once without TLS. */
    private static io.netty.util.concurrent.Future<?> handshake(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? channel.newSucceededFuture() : tls.handshakeFuture();
    }

    private FullHttpRequest toNetty(InetSocketAddress address, Request request) {
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.target(), Unpooled.wrappedBuffer(request.body()));
        for (Map.Entry<String, String> header : request.headers()) {
            out.headers().add(header.getKey(), header.getValue());
        }
        out.headers().set(HttpHeaderNames.HOST, address.getHostString() + ":" + address.getPort());
        HttpUtil.setContentLength(out, request.body().length);
        return out;
    }

    private Connections connections(InetSocketAddress address) {
        Bootstrap bootstrap = new Bootstrap().group(loops).channel(Transport.socketChannel(loops)).remoteAddress(address)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            SslHandler handler = tls.newHandler(channel.alloc(), address.getHostString(),
                                    address.getPort(), tlsTasks);
                            if (verifyHostname) {
                                javax.net.ssl.SSLParameters parameters = handler.engine().getSSLParameters();
                                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                                handler.engine().setSSLParameters(parameters);
                            }
                            channel.pipeline().addLast("tls", handler);
                        }
                        channel.pipeline()
                                .addLast("http", new HttpClientCodec(4096, 65536, 65536))
                                .addLast("budget", new AnswerBudget(maxResponseBytes))
                                .addLast("aggregate", new HttpObjectAggregator(maxResponseBytes))
                                .addLast("idle", new IdleStateHandler(0, 0, POOL_IDLE_SECONDS))
                                .addLast("answer", new AnswerHandler());
                    }
                });
        return new Connections(bootstrap);
    }

    /**
     * Between the codec and the aggregator: grows the pending request's {@link Reservation} by the
     * answer's declared length, or by each chunk of an answer without one (answers over the size
     * limit are left to the aggregator), and fails the request when the budget is spent.
     */
    private static final class AnswerBudget extends io.netty.channel.ChannelInboundHandlerAdapter {

        private final long maxResponseBytes;
        private boolean counting;
        private long bytes;

        AnswerBudget(long maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.channel().attr(ANSWERING).set(true);
            Reservation reservation = ctx.channel().attr(RESERVATION).get();
            if (msg instanceof io.netty.handler.codec.http.HttpResponse response && reservation != null) {
                long length = HttpUtil.getContentLength(response, -1L);
                counting = length < 0;
                bytes = 0;
                if (length >= 0 && length <= maxResponseBytes && !reservation.tryGrow(length)) {
                    refuse(ctx, msg, reservation);
                    return;
                }
            } else if (msg instanceof io.netty.handler.codec.http.HttpContent content && counting
                    && reservation != null) {
                bytes += content.content().readableBytes();
                if (bytes <= maxResponseBytes && !reservation.tryGrow(content.content().readableBytes())) {
                    refuse(ctx, msg, reservation);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static void refuse(ChannelHandlerContext ctx, Object msg, Reservation reservation) {
            io.netty.util.ReferenceCountUtil.release(msg);
            AnswerHandler.fail(ctx, new BudgetExceededException(reservation.limit()));
            ctx.close();
        }
    }

    /** Completes the pending request of its connection with the aggregated response. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            CompletableFuture<Answer> pending = ctx.channel().attr(PENDING).get();
            if (pending == null) {
                ctx.close();
                return;
            }
            List<Map.Entry<String, String>> headers = new ArrayList<>(response.headers().size());
            response.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
            if (!HttpUtil.isKeepAlive(response)) {
                ctx.close();
            }
            pending.complete(new Answer(response.status().code(), headers, ByteBufUtil.getBytes(response.content()),
                    peerCertificate(ctx)));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, new IOException("the connection closed before an answer arrived"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable failure = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            fail(ctx, failure);
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent && ctx.channel().attr(PENDING).get() == null) {
                ctx.close(); // idle for POOL_IDLE_SECONDS; closing takes it out of the idle ones
                return;
            }
            if (event instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                fail(ctx, handshake.cause());
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        private static void fail(ChannelHandlerContext ctx, Throwable cause) {
            CompletableFuture<Answer> pending = ctx.channel().attr(PENDING).get();
            if (pending != null) {
                pending.completeExceptionally(cause);
            }
        }

        private static X509Certificate peerCertificate(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                return null;
            }
            try {
                return (X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }
    }

    /** The client was closed before the request could be sent: {@link RequestNotSentException} carries it. */
    public static final class ClientClosedException extends IOException {

        ClientClosedException() {
            super("client is closed");
        }

        /**
         * Whether {@code failure}, or any of its causes, is a request that was not sent because its
         * client was closed: this exception below a {@link RequestNotSentException} in the chain.
         */
        public static boolean isCause(Throwable failure) {
            boolean notSent = false;
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                notSent |= cause instanceof RequestNotSentException;
                if (notSent && cause instanceof ClientClosedException) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    /**
     * Closes the idle connections and, as their exchanges end, the others, without waiting: it may
     * be called on an event loop (a {@link PeerClient} replacing its pool as a request is sent), where
     * waiting for a channel of the same loop to close would never end.
     */
    public void close() {
        closed = true;
        pools.values().forEach(Connections::close);
        pools.clear();
    }

    /**
     * The kept-alive connections to one address. A request takes an idle connection (the one
     * used last); without one it waits, and a connection is opened for it only while fewer than
     * {@link #MAX_OPENING} are being opened. Each connection released or opened goes to the
     * request that has waited longest, else to the idle ones. A handshake costs both servers
     * milliseconds of CPU (key agreement, signatures, certificate checks): after a pause, a burst
     * that opened one connection per waiting request kept both servers' cores on handshakes while
     * every exchange waited, where the connections in use would each have been free again within a
     * millisecond.
     */
    private final class Connections {

        private final Bootstrap bootstrap;
        /** Open connections carrying no request, the last released at the end; guarded by this. */
        private final java.util.ArrayDeque<Channel> idle = new java.util.ArrayDeque<>();
        /** Requests waiting for a connection, longest first; guarded by this. */
        private final java.util.ArrayDeque<io.netty.util.concurrent.Promise<Channel>> waiting =
                new java.util.ArrayDeque<>();
        /** Connections being opened; guarded by this. */
        private int opening;

        Connections(Bootstrap bootstrap) {
            this.bootstrap = bootstrap;
        }

        /**
         * An open connection with its TLS handshake done, now or once one is released or opened;
         * a {@link TimeoutException} if none comes by {@code deadline} ({@link System#nanoTime()}).
         */
        io.netty.util.concurrent.Future<Channel> acquire(long deadline) {
            io.netty.channel.EventLoop loop = loops.next();
            io.netty.util.concurrent.Promise<Channel> promise = loop.newPromise();
            boolean open;
            synchronized (this) {
                Channel ready = pollActive();
                if (ready != null) {
                    return promise.setSuccess(ready);
                }
                waiting.add(promise);
                open = startsOpening();
            }
            long left = Math.max(0, deadline - System.nanoTime());
            var timer = loop.schedule(() -> promise.tryFailure(new TimeoutException("no connection within "
                    + TimeUnit.NANOSECONDS.toMillis(left) + " ms")), left, TimeUnit.NANOSECONDS);
            promise.addListener(done -> timer.cancel(false));
            if (open) {
                open();
            }
            return promise;
        }

        /**
         * A connection whose exchange ended: to the longest waiting request, or to the idle ones;
         * one not {@code reusable} (failed, being closed) is closed.
         */
        void release(Channel channel, boolean reusable) {
            while (reusable && channel.isActive() && !closed) {
                io.netty.util.concurrent.Promise<Channel> next;
                synchronized (this) {
                    next = waiting.poll();
                    if (next == null) {
                        idle.add(channel);
                        return;
                    }
                }
                if (next.trySuccess(channel)) {
                    return;
                }
            }
            channel.close();
        }

        void close() {
            List<io.netty.util.concurrent.Promise<Channel>> left;
            List<Channel> open;
            synchronized (this) {
                left = new ArrayList<>(waiting);
                waiting.clear();
                open = new ArrayList<>(idle);
                idle.clear();
            }
            IOException closing = new ClientClosedException();
            left.forEach(p -> p.tryFailure(closing));
            open.forEach(Channel::close);
        }

        /** The idle connection used last that is still open, or null; closed ones met on the way are dropped. Holding this. */
        private Channel pollActive() {
            for (Channel ready = idle.pollLast(); ready != null; ready = idle.pollLast()) {
                if (ready.isActive()) {
                    return ready;
                }
            }
            return null;
        }

        /** A connection closed (by either side, or idle too long) leaves the idle ones. */
        private synchronized void forget(Channel channel) {
            idle.remove(channel);
        }

        /** Whether another connection is to be opened, counting it if so: more requests wait than are being served. Holding this. */
        private boolean startsOpening() {
            if (opening < MAX_OPENING && waiting.size() > opening) {
                opening++;
                return true;
            }
            return false;
        }

        private void open() {
            io.netty.channel.ChannelFuture connecting = bootstrap.connect();
            connecting.addListener(connected -> {
                if (!connected.isSuccess()) {
                    opened(connecting.channel(), connected.cause());
                    return;
                }
                Channel channel = connecting.channel();
                channel.closeFuture().addListener(gone -> forget(channel));
                handshake(channel).addListener(ready -> opened(channel, ready.isSuccess() ? null : ready.cause()));
            });
        }

        /**
         * One opening ended: the connection goes to the longest waiting request; if it failed, every
         * waiting request fails with the cause, as each would have on a connection of its own.
         */
        private void opened(Channel channel, Throwable failure) {
            if (failure == null) {
                release(channel, true); // before counting who still waits
            }
            List<io.netty.util.concurrent.Promise<Channel>> failed = List.of();
            boolean more;
            synchronized (this) {
                opening--;
                if (failure != null) {
                    failed = new ArrayList<>(waiting);
                    waiting.clear();
                }
                more = startsOpening();
            }
            if (failure != null) {
                channel.close();
                for (io.netty.util.concurrent.Promise<Channel> p : failed) {
                    p.tryFailure(failure);
                }
            }
            if (more) {
                open();
            }
        }
    }
}
