package org.xroadng.securityserver.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
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
    /** Methods a server may receive twice with the effect of once (RFC 9110 section 9.2.2). */
    private static final java.util.Set<String> IDEMPOTENT = java.util.Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT",
            "DELETE");

    private final EventLoopGroup loops;
    private final SslContext tls;
    private final Executor tlsTasks;
    private final int maxResponseBytes;
    private final Duration connectTimeout;
    private final boolean verifyHostname;
    private final Map<InetSocketAddress, SimpleChannelPool> pools = new ConcurrentHashMap<>();
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
            answer.completeExceptionally(new IOException("client is closed"));
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
        SimpleChannelPool pool = pools.computeIfAbsent(address, this::pool);
        pool.acquire().addListener(acquired -> {
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
                if (e != null || !channel.isActive() || closed) {
                    channel.close(); // a closed client's pools keep no connection
                } else {
                    channel.attr(REUSED).set(true);
                }
                pool.release(channel);
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

    private SimpleChannelPool pool(InetSocketAddress address) {
        Bootstrap bootstrap = new Bootstrap().group(loops).channel(Transport.socketChannel(loops)).remoteAddress(address)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
        return new SimpleChannelPool(bootstrap, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(Channel channel) {
                if (tls != null) {
                    SslHandler handler = tls.newHandler(channel.alloc(), address.getHostString(), address.getPort(),
                            tlsTasks);
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
        }, ChannelHealthChecker.ACTIVE);
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
                ctx.close(); // idle in the pool for POOL_IDLE_SECONDS; the health check drops it on acquire
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

    @Override
    /**
     * Closes the idle connections and, as their exchanges end, the others, without waiting: it may
     * be called on an event loop (a {@link PeerClient} replacing its pool as a request is sent), where
     * waiting for a channel of the same loop to close would never end.
     */
    public void close() {
        closed = true;
        pools.values().forEach(SimpleChannelPool::closeAsync);
        pools.clear();
    }
}
