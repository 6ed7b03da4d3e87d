package org.xroadng.protocol.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorBody;

/**
 * A small routed HTTP/1.1 server for the control plane (trust services, registry, admin APIs).
 * Endpoints run on a bounded worker pool and may block; requests of one connection are answered
 * one at a time, in order. The pipeline, per connection: {@link ConnectionLimit} → [{@link SslHandler}]
 * → {@link HttpServerCodec} → {@link ConnectionTimeouts} → {@link BodyLimit} (whole bodies up to the
 * limit) → {@link Dispatcher}.
 *
 * <p>Guarantees to callers: every answer the server itself gives is a JSON error body
 * {@code {"type", "message", "detail"}} that names no Java class: a request that is not valid
 * HTTP/1.1 or whose target is malformed (a bad percent-escape, a character that must be escaped)
 * is a 400, headers over the limit a 431, an unknown path a 404, a known path with another method a
 * 405, a body over the limit a 413, a malformed query a 400, a request met when the worker pool and
 * its queue are full a 503 {@code Busy}; an endpoint's unexpected failure, an {@link Error} too, is
 * a 500 that names an incident id, logged with its stack trace, never sent. Every request gets
 * exactly one answer, in order, until the connection closes. (The JDK's
 * {@code com.sun.net.httpserver}, used before, answered a malformed request target with its own
 * HTML page before any handler ran.)
 *
 * <p>Bounds against slow or hostile clients: at most {@link #DEFAULT_MAX_CONNECTIONS} connections
 * (more are closed at once); a connection reads no further while a request of it is being
 * answered, so it holds one request in memory, not a queue of them; a request head must be complete
 * within {@link #DEFAULT_HEADER_TIMEOUT} of its first byte and a connection may idle between
 * requests (or between body bytes) for {@link #DEFAULT_IDLE_TIMEOUT}. Each is a {@link Builder}
 * option.
 */
public final class HttpApiServer implements AutoCloseable {

    /** Worker threads running endpoints; endpoints may block (database, signer, upstream calls). */
    public static final int DEFAULT_THREADS = 8;
    /**
     * Requests that may wait for a worker; one more is answered 503 at once. With the default
     * threads and endpoints of tens of milliseconds, a full queue is about a second of waiting.
     */
    public static final int DEFAULT_QUEUE_CAPACITY = 128;
    /** Open connections per server; a control-plane server has few clients, each with a few connections. */
    public static final int DEFAULT_MAX_CONNECTIONS = 512;
    /**
     * How long a request head may take from its first byte to its last: ample for any client on
     * any network (Apache's mod_reqtimeout allows 20-40 s, nginx 60 s for much larger heads than
     * our 24 KiB), short enough that a slow-loris holds a connection briefly.
     */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a connection may idle between requests, or between bytes of a body, before it is
     * closed; clients that pool connections close theirs sooner (ours after 20 s).
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The longest body accepted by default; a larger one is a 413. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADERS = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    private final List<Route> routes;
    private final RequestObserver observer;
    private final boolean tls;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final Channel channel;

    private HttpApiServer(Builder builder) throws IOException {
        this.routes = List.copyOf(builder.routes);
        this.observer = builder.observer;
        this.tls = builder.sslContext != null;
        SSLContext sslContext = builder.sslContext;
        int maxBodyBytes = builder.maxBodyBytes;
        int maxConnections = builder.maxConnections;
        Duration idle = builder.idleTimeout;
        Duration head = builder.headerTimeout;
        AtomicInteger open = new AtomicInteger();
        this.acceptor = Transport.chosen().group(1, new DefaultThreadFactory(builder.name + "-accept", true));
        this.io = Transport.chosen().group(2, new DefaultThreadFactory(builder.name + "-io", true));
        this.workers = new ThreadPoolExecutor(builder.threads, builder.threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(builder.queueCapacity), namedThreads(builder.name));
        ServerBootstrap bootstrap = new ServerBootstrap().group(acceptor, io).channel(Transport.serverChannel(acceptor))
                .option(ChannelOption.SO_BACKLOG, 128)
                // as a restarted server expects: a port with connections in TIME_WAIT can be bound again
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        pipeline.addLast(new ConnectionLimit(open, maxConnections, () -> { }));
                        if (sslContext != null) {
                            SSLEngine engine = sslContext.createSSLEngine();
                            engine.setUseClientMode(false);
                            pipeline.addLast(new SslHandler(engine));
                        }
                        pipeline.addLast(new HttpServerCodec(MAX_REQUEST_LINE, MAX_HEADERS, 64 * 1024))
                                .addLast(new ConnectionTimeouts(idle, head, ConnectionTimeouts.Closes.NONE))
                                .addLast(new BodyLimit(maxBodyBytes))
                                .addLast(new Dispatcher(HttpApiServer.this::answer, workers));
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

    /**
     * Routes a request and maps every refusal or failure to a JSON answer. Runs on a worker. Any
     * {@link Throwable}, an {@link Error} too (a {@link StackOverflowError} in a deep document, an
     * {@link OutOfMemoryError} while parsing), is an incident: the request still gets its 500.
     */
    private HttpReply answer(ReceivedRequest request) {
        long started = System.nanoTime();
        String[] matched = {UNMATCHED};
        HttpReply reply;
        try {
            reply = route(request, matched);
        } catch (HttpProblem problem) {
            reply = error(problem);
        } catch (Throwable failure) {
            reply = incident(request, failure);
        }
        if (observer != null) {
            try {
                observer.answered(request.method().toUpperCase(Locale.ROOT), matched[0], reply.status(),
                        System.nanoTime() - started);
            } catch (RuntimeException e) {
                LOG.warn("the request observer failed: {}", e.toString()); // metrics never cost an answer
            }
        }
        return reply;
    }

    /** The route template an {@link RequestObserver} is told for a request no route matched. */
    public static final String UNMATCHED = "(unmatched)";

    /**
     * Told of every answer, on the worker that computed it: the method, the template of the route
     * that matched ({@link #UNMATCHED} if none did), the status and how long it took. For metrics:
     * by template, so the number of series stays bounded whatever the paths requested.
     */
    @FunctionalInterface
    public interface RequestObserver {
        void answered(String method, String route, int status, long nanos);
    }

    /** The 500 naming a fresh incident id; the failure is logged with its stack trace, never sent. */
    static HttpReply incident(ReceivedRequest request, Throwable failure) {
        String incident = UUID.randomUUID().toString();
        LOG.error("incident {}: {} {} failed", incident, request.method(), printable(request.target()), failure);
        return HttpReply.json(500, new ErrorBody("InternalError",
                "the server failed to handle the request; quote the incident id to its operator", incident));
    }

    static HttpReply error(HttpProblem problem) {
        return HttpReply.json(problem.status(), new ErrorBody(problem.type(), problem.getMessage(), null));
    }

    private HttpReply route(ReceivedRequest request, String[] matched) throws HttpProblem {
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
            matched[0] = route.template();
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

    /** Configures and starts an {@link HttpApiServer}; each option is checked when set. */
    public static final class Builder {
        private final String name;
        private final List<Route> routes = new ArrayList<>();
        private InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
        private int threads = DEFAULT_THREADS;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private SSLContext sslContext;
        private RequestObserver observer;

        private Builder(String name) {
            this.name = name;
        }

        public Builder bind(InetSocketAddress address) {
            this.address = address;
            return this;
        }

        /** Worker threads running endpoints, at least 1; default {@link #DEFAULT_THREADS}. */
        public Builder threads(int threads) {
            this.threads = atLeast("threads", threads, 1);
            return this;
        }

        /** Requests that may wait for a worker, at least 1; default {@link #DEFAULT_QUEUE_CAPACITY}. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = atLeast("queueCapacity", queueCapacity, 1);
            return this;
        }

        /** Open connections, at least 1; default {@link #DEFAULT_MAX_CONNECTIONS}. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = atLeast("maxConnections", maxConnections, 1);
            return this;
        }

        /** The longest request body, at least 0; default {@link #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = atLeast("maxBodyBytes", maxBodyBytes, 0);
            return this;
        }

        /** From a request head's first byte to its last, positive; default {@link #DEFAULT_HEADER_TIMEOUT}. */
        public Builder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = positive("headerTimeout", headerTimeout);
            return this;
        }

        /** Idling between requests or body bytes, positive; default {@link #DEFAULT_IDLE_TIMEOUT}. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = positive("idleTimeout", idleTimeout);
            return this;
        }

        public Builder tls(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** Tells {@code observer} of every answer (metrics); none by default. */
        public Builder observe(RequestObserver observer) {
            this.observer = observer;
            return this;
        }

        public Builder route(String method, String template, HttpEndpoint endpoint) {
            routes.add(Route.of(method, template, endpoint));
            return this;
        }

        public HttpApiServer start() throws IOException {
            return new HttpApiServer(this);
        }

        private static int atLeast(String option, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(option + " must be at least " + min + "; given " + value);
            }
            return value;
        }

        private static Duration positive(String option, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be a positive duration; given " + value);
            }
            return value;
        }
    }
}
