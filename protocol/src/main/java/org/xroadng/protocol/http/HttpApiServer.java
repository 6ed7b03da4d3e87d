package org.xroadng.protocol.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorBody;

/**
 * A small routed HTTP/1.1 server for the control plane (trust services, registry, admin APIs).
 * Endpoints run on a bounded worker pool and may block; requests of one connection are answered in
 * order. The pipeline, per connection: [{@link SslHandler}] → {@link HttpServerCodec} →
 * {@link IdleStateHandler} → {@link BodyLimit} (whole bodies up to the limit) → {@link Dispatcher}.
 *
 * <p>Guarantees to callers: every answer the server itself gives is a JSON error body
 * {@code {"type", "message", "detail"}} that names no Java class: a request that is not valid
 * HTTP/1.1 or whose target is malformed (a bad percent-escape, a character that must be escaped)
 * is a 400, headers over the limit a 431, an unknown path a 404, a known path with another method a
 * 405, a body over the limit a 413, a malformed query a 400; an endpoint's unexpected failure is a
 * 500 that names an incident id, logged with its stack trace, never sent. (The JDK's
 * {@code com.sun.net.httpserver}, used before, answered a malformed request target with its own
 * HTML page before any handler ran.)
 */
public final class HttpApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    private static final int MAX_REQUEST_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 16 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final List<Route> routes;
    private final int maxBodyBytes;
    private final boolean tls;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final Channel channel;

    private HttpApiServer(Builder builder) throws IOException {
        this.routes = List.copyOf(builder.routes);
        this.maxBodyBytes = builder.maxBodyBytes;
        this.tls = builder.sslContext != null;
        SSLContext sslContext = builder.sslContext;
        this.acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory(builder.name + "-accept", true));
        this.io = new NioEventLoopGroup(2, new DefaultThreadFactory(builder.name + "-io", true));
        this.workers = Executors.newFixedThreadPool(builder.threads, namedThreads(builder.name));
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, io).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                // as a restarted server expects: a port with connections in TIME_WAIT can be bound again
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        if (sslContext != null) {
                            SSLEngine engine = sslContext.createSSLEngine();
                            engine.setUseClientMode(false);
                            pipeline.addLast(new SslHandler(engine));
                        }
                        pipeline.addLast(new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, 64 * 1024))
                                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS))
                                .addLast(new BodyLimit(maxBodyBytes))
                                .addLast(new Dispatcher());
                    }
                });
        ChannelFuture bound = bootstrap.bind(builder.address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown();
            Throwable cause = bound.cause();
            if (cause instanceof IOException e) {
                throw e;
            }
            throw new IOException("cannot listen on " + builder.address + ": " + cause.getMessage(), cause);
        }
        this.channel = bound.channel();
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The address actually bound (useful with port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code http://host:port} (or https) of this server. */
    public URI baseUri() {
        String scheme = tls ? "https" : "http";
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create(scheme + "://" + host + ":" + a.getPort());
    }

    /** Every route as {@code "METHOD /template"}, in the order they are tried (for sweeps and documentation). */
    public List<String> routes() {
        return routes.stream().map(route -> route.method() + " " + route.template()).toList();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        shutdown();
    }

    /** Workers first, so that an answer still being computed is written before the event loops stop. */
    private void shutdown() {
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            acceptor.terminationFuture().await(5, TimeUnit.SECONDS);
            io.terminationFuture().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request as the codec delivered it, copied out of Netty's buffers. */
    private record Request(String method, String target, Map<String, List<String>> headers, byte[] body) {
    }

    /**
     * Routes a request and maps every refusal or failure to a JSON answer. Runs on a worker. Any
     * {@link Throwable}, an {@link Error} too (a {@link StackOverflowError} in a deep document, an
     * {@link OutOfMemoryError} while parsing), is an incident: the request still gets its 500.
     */
    private HttpReply answer(Request request) {
        try {
            return route(request);
        } catch (HttpProblem problem) {
            return error(problem);
        } catch (Throwable failure) {
            return incident(request, failure);
        }
    }

    /** The 500 naming a fresh incident id; the failure is logged with its stack trace, never sent. */
    private static HttpReply incident(Request request, Throwable failure) {
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: {} {} failed", incident, request.method(), printable(request.target()), failure);
        return HttpReply.json(500, new ErrorBody("InternalError",
                "the server failed to handle the request; quote the incident id to its operator", incident));
    }

    private static HttpReply error(HttpProblem problem) {
        return HttpReply.json(problem.status(), new ErrorBody(problem.type(), problem.getMessage(), null));
    }

    private HttpReply route(Request request) throws HttpProblem {
        RequestTarget target = RequestTarget.parse(request.target());
        String rawPath = target.rawPath();
        String method = request.method().toUpperCase(Locale.ROOT);
        String path;
        try {
            path = PercentDecoding.decode(rawPath);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("the path is malformed: " + e.getMessage());
        }
        List<String> allowed = new ArrayList<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params;
            try {
                params = route.match(rawPath);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("the path is malformed: " + e.getMessage());
            }
            if (params.isEmpty()) {
                continue;
            }
            if (!route.method().equals(method) && !(method.equals("HEAD") && route.method().equals("GET"))) {
                allowed.add(route.method());
                continue;
            }
            HttpCall call = new HttpCall(method, path, params.get(), parseQuery(target.rawQuery()),
                    request.headers(), request.body());
            return route.endpoint().handle(call);
        }
        if (!allowed.isEmpty()) {
            return HttpReply.json(405, new ErrorBody("MethodNotAllowed", method + " is not allowed on "
                    + rawPath + "; allowed: " + String.join(", ", allowed), null))
                    .withHeader("Allow", String.join(", ", allowed));
        }
        throw HttpProblem.notFound("no resource at " + rawPath);
    }

    private static Map<String, List<String>> parseQuery(String rawQuery) throws HttpProblem {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                query.computeIfAbsent(PercentDecoding.decode(name.replace('+', ' ')), k -> new ArrayList<>())
                        .add(PercentDecoding.decode(value.replace('+', ' ')));
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("query string is malformed: " + e.getMessage());
            }
        }
        return query;
    }

    private static FullHttpResponse response(HttpReply reply, boolean head) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        boolean bodyless = reply.status() == 204 || reply.status() == 304 || reply.status() < 200;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head || bodyless || reply.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        reply.headers().forEach((name, value) -> response.headers().set(name, value));
        if (reply.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (!bodyless) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        }
        return response;
    }

    /** Writes the answer; closes the connection after it unless both sides keep it alive. */
    private static void write(Channel channel, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = channel.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static ThreadFactory namedThreads(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-http-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Whole request bodies up to the limit; a larger one is a JSON 413 and the connection closes. */
    private final class BodyLimit extends HttpObjectAggregator {

        BodyLimit(int maxBodyBytes) {
            super(maxBodyBytes, true);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof FullHttpResponse full && full.status().code() == 413) {
                full.release();
                return tooLarge();
            }
            return response;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            write(ctx.channel(), tooLarge(), false);
        }

        private FullHttpResponse tooLarge() {
            FullHttpResponse response = response(error(new HttpProblem(413, "RequestTooLarge",
                    "request body is larger than the limit of " + maxBodyBytes + " bytes")), false);
            HttpUtil.setKeepAlive(response, false);
            return response;
        }
    }

    /**
     * Hands each whole request to the worker pool, one at a time per connection (so pipelined
     * answers keep their order), and writes the answer back.
     */
    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

        private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
        private final AtomicInteger inFlight = new AtomicInteger();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest message) {
            Channel channel = ctx.channel();
            if (message.decoderResult().isFailure()) {
                write(channel, response(error(malformed(message.decoderResult().cause())), false), false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(message);
            boolean head = message.method().name().equalsIgnoreCase("HEAD");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            message.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(h.getValue()));
            Request request = new Request(message.method().name(), message.uri(), headers,
                    ByteBufUtil.getBytes(message.content()));
            inFlight.incrementAndGet();
            try {
                // exceptionally: an Error in one answer must not stall the connection's later requests.
                previous = previous.exceptionally(failure -> null).thenRunAsync(() -> {
                    try {
                        FullHttpResponse response;
                        try {
                            response = response(answer(request), head);
                        } catch (Throwable failure) {
                            response = response(incident(request, failure), head);
                        }
                        write(channel, response, keepAlive);
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }, workers);
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
                channel.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent && inFlight.get() == 0) {
                ctx.close();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private HttpProblem malformed(Throwable cause) {
            if (cause instanceof TooLongHttpLineException) {
                return new HttpProblem(414, "UriTooLong", "the request line is longer than the limit of "
                        + MAX_REQUEST_LINE + " bytes");
            }
            if (cause instanceof TooLongFrameException) {
                return new HttpProblem(431, "RequestHeaderFieldsTooLarge", "the request headers are longer than the"
                        + " limit of " + MAX_HEADERS + " bytes");
            }
            return HttpProblem.badRequest("the request is not valid HTTP/1.1 (RFC 9112): check its request line,"
                    + " header lines and Content-Length or Transfer-Encoding");
        }
    }

    /** Configures and starts an {@link HttpApiServer}. */
    public static final class Builder {
        private final String name;
        private final List<Route> routes = new ArrayList<>();
        private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        private int threads = 8;
        private int maxBodyBytes = 1024 * 1024;
        private SSLContext sslContext;

        private Builder(String name) {
            this.name = name;
        }

        public Builder bind(InetSocketAddress address) {
            this.address = address;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder tls(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder route(String method, String template, HttpEndpoint endpoint) {
            routes.add(Route.of(method, template, endpoint));
            return this;
        }

        public HttpApiServer start() throws IOException {
            return new HttpApiServer(this);
        }
    }
}
