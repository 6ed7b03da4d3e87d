package org.xroadng.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.xroadng.protocol.http.Transport;

/**
 * An HTTP/1.1 load generator over C keep-alive connections. Closed loop (rate 0): each connection
 * sends its next request as soon as the previous answer arrives, and latency counts from the send.
 * Fixed rate: each connection has a schedule (one request every C / rate seconds, the connections'
 * schedules spread over one such interval) and every latency counts from the time its request was
 * <em>due</em>, not from when it could be sent: when an answer is late, the requests due meanwhile
 * go out as soon as the connection is free and their latencies include the wait (no coordinated
 * omission). A connection that fails is opened again and carries on the schedule where it stopped,
 * so the requests due while it was down are sent late rather than skipped.
 *
 * <p>Latencies of 200 answers go into an HdrHistogram; any other answer is an error, named by its
 * {@code X-Road-Error} header (or its status when it has none); a connection that fails is an error
 * named by the exception.
 *
 * <p>{@link #run} measures once after a warm-up: requests/s are the 200 answers that arrived during
 * the measured time; latencies and errors are those of the requests due during it, waited for after
 * it ends (for {@link #DRAIN_LIMIT} at most; those still unanswered then count as errors), so a
 * stall at the end of the run is not cut off. {@link #start} keeps the load going and answers what
 * each interval saw ({@link Running#interval()}) until it is closed.
 */
public final class HttpLoad {

    /** How long {@link #run} waits, after the measured time, for the answers to requests due in it. */
    public static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

    /**
     * What one run measured: 200 answers received during the measured {@code seconds}; errors and
     * latencies (microseconds, of 200 answers) of the requests due during them.
     */
    public record Result(long requests, long errors, double seconds, Histogram latencyMicros) {
        public double perSecond() {
            return requests / seconds;
        }
    }

    /**
     * What one interval of a running load saw: requests sent, 200 answers, errors by kind (sorted),
     * latencies of the 200 answers in microseconds.
     */
    public record Interval(long sent, long ok, Map<String, Long> errors, double seconds, Histogram latencyMicros) {
        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Told when {@link #run}'s measured time begins and ends, on the calling thread (to sample CPU use then). */
    public interface Phases {
        Phases NONE = new Phases() {
        };

        /** The warm-up is over; it lasted {@code lasted}. */
        default void warmedUp(Duration lasted) {
        }

        default void measuringStarted() {
        }

        default void measuringEnded() {
        }
    }

    private final InetSocketAddress target;
    private final String path;
    private final Map<String, String> headers;
    private final Varying varying;

    /** A header whose value each request draws at random from {@code count} values, {@code valueOf(0..count-1)}. */
    private record Varying(String header, int count, IntFunction<String> valueOf) {
    }

    public HttpLoad(InetSocketAddress target, String path, Map<String, String> headers) {
        this(target, path, headers, null);
    }

    private HttpLoad(InetSocketAddress target, String path, Map<String, String> headers, Varying varying) {
        this.target = target;
        this.path = path;
        this.headers = Map.copyOf(headers);
        this.varying = varying;
    }

    /**
     * This load with {@code header} set, on each request, to {@code valueOf(i)} for an {@code i}
     * drawn uniformly from 0 to {@code count - 1} (a population of data subjects, say); one value
     * ({@code count} 1) is the fixed header.
     */
    public HttpLoad varying(String header, int count, IntFunction<String> valueOf) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, was " + count);
        }
        return new HttpLoad(target, path, headers, new Varying(header, count, valueOf));
    }

    /** Loads the target for {@code warmUp}, then measures for {@code measure}, then stops. */
    public Result run(int connections, double ratePerSecond, Duration warmUp, Duration measure)
            throws InterruptedException {
        return run(connections, ratePerSecond, warmUp, measure, Phases.NONE);
    }

    /** As {@link #run(int, double, Duration, Duration)}, telling {@code phases} when measuring starts and ends. */
    public Result run(int connections, double ratePerSecond, Duration warmUp, Duration measure, Phases phases)
            throws InterruptedException {
        return run(connections, ratePerSecond, new WarmUp(warmUp, warmUp), measure, phases);
    }

    /** As {@link #run(int, double, Duration, Duration, Phases)}, warming up as {@code warmUp} says. */
    public Result run(int connections, double ratePerSecond, WarmUp warmUp, Duration measure, Phases phases)
            throws InterruptedException {
        try (Running running = start(connections, ratePerSecond)) {
            phases.warmedUp(warmUp.await());
            running.interval();
            running.window.open(System.nanoTime());
            phases.measuringStarted();
            Thread.sleep(measure.toMillis());
            Interval answered = running.interval();
            running.window.close(System.nanoTime());
            phases.measuringEnded();
            long unanswered = running.awaitWindow(DRAIN_LIMIT);
            return new Result(answered.ok(), running.window.errors.sum() + unanswered, answered.seconds(),
                    running.window.latencies.getIntervalHistogram());
        }
    }

    /** Opens the connections and starts sending; the load runs until the answer is closed. */
    public Running start(int connections, double ratePerSecond) throws InterruptedException {
        Running running = new Running(ratePerSecond <= 0 ? 0 : (long) (1e9 * connections / ratePerSecond));
        List<Channel> opened = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Channel channel = running.bootstrap.connect(target).sync().channel();
                running.opened(channel);
                opened.add(channel);
            }
        } catch (InterruptedException | RuntimeException e) {
            running.close();
            throw e;
        }
        // Spread the connections' schedules over one interval, so a fixed rate arrives evenly, not in bursts.
        long start0 = System.nanoTime();
        for (int i = 0; i < opened.size(); i++) {
            Channel channel = opened.get(i);
            long firstDue = start0 + running.intervalNanos * i / opened.size();
            channel.eventLoop().execute(() -> channel.pipeline().get(LoopHandler.class).start(channel, firstDue));
        }
        return running;
    }

    /**
     * The requests measured by {@link #run}: those due from {@link #open} until {@link #close}.
     * Written by the thread running the load, read on the event loop.
     */
    private static final class Window {
        final Recorder latencies = new Recorder(3);
        final LongAdder errors = new LongAdder();
        private volatile long from;
        private volatile boolean opened;
        private volatile long until;
        private volatile boolean closed;

        void open(long nanos) {
            from = nanos;
            opened = true;
        }

        void close(long nanos) {
            until = nanos;
            closed = true;
        }

        boolean contains(long due) {
            return opened && due - from >= 0 && (!closed || due - until < 0);
        }

        /** Whether a request due then may still be sent: not once the measured time is over. */
        boolean sends(long due) {
            return !closed || due - until < 0;
        }
    }

    /** A load in progress: its counters, read and reset by {@link #interval()}. */
    public final class Running implements AutoCloseable {
        private final EventLoopGroup group = Transport.chosen().group(1, new DefaultThreadFactory("bench-load", true));
        private final Recorder recorder = new Recorder(3);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong ok = new AtomicLong();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final Window window = new Window();
        /** Every connection opened, with its handler (closed ones too; their schedules moved on). */
        private final List<Channel> channels = new ArrayList<>();
        /** Schedules waiting for a connection to be opened again (their next due times); on the event loop. */
        private final List<Long> reconnecting = new ArrayList<>();
        private final long intervalNanos;
        private final Bootstrap bootstrap;
        private volatile boolean stopped;
        private long intervalStart = System.nanoTime();

        private Running(long intervalNanos) {
            this.intervalNanos = intervalNanos;
            this.bootstrap = new Bootstrap().group(group).channel(Transport.socketChannel(group))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(10 * 1024 * 1024),
                                    new LoopHandler(Running.this));
                        }
                    });
        }

        /** What happened since the previous call (or the start); resets the counters. */
        public synchronized Interval interval() {
            long now = System.nanoTime();
            Map<String, Long> byKind = new TreeMap<>();
            errors.forEach((kind, count) -> {
                long n = count.sumThenReset();
                if (n > 0) {
                    byKind.put(kind, n);
                }
            });
            Interval interval = new Interval(sent.getAndSet(0), ok.getAndSet(0), byKind, (now - intervalStart) / 1e9,
                    recorder.getIntervalHistogram());
            intervalStart = now;
            return interval;
        }

        void error(String kind) {
            errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
        }

        private void opened(Channel channel) {
            synchronized (channels) {
                channels.add(channel);
            }
        }

        /**
         * Opens a connection again after one failed, unless the load is over; the new connection
         * carries on the schedule from {@code nextDue}. On the event loop.
         */
        void reconnect(long nextDue) {
            if (stopped) {
                return;
            }
            reconnecting.add(nextDue);
            group.schedule(() -> bootstrap.connect(target).addListener(f -> {
                reconnecting.remove(Long.valueOf(nextDue));
                if (f.isSuccess()) {
                    Channel ch = ((ChannelFuture) f).channel();
                    opened(ch);
                    ch.pipeline().get(LoopHandler.class).start(ch, intervalNanos == 0 ? System.nanoTime() : nextDue);
                } else {
                    error("connect: " + f.cause().getClass().getSimpleName());
                    reconnect(nextDue);
                }
            }), 100, TimeUnit.MILLISECONDS);
        }

        /**
         * Waits until every request due in the window has been answered or has failed, at most
         * {@code limit}; answers how many were still unanswered or unsent then.
         */
        long awaitWindow(Duration limit) throws InterruptedException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (true) {
                long pending = pendingInWindow();
                if (pending == 0 || System.nanoTime() - deadline >= 0) {
                    return pending;
                }
                Thread.sleep(10);
            }
        }

        /** Requests due in the window not yet answered: in flight, or waiting for a connection to be free. */
        private long pendingInWindow() throws InterruptedException {
            try {
                return group.submit(() -> {
                    long pending = 0;
                    List<Channel> all;
                    synchronized (channels) {
                        all = List.copyOf(channels);
                    }
                    for (Channel channel : all) {
                        pending += channel.pipeline().get(LoopHandler.class).pendingInWindow();
                    }
                    for (long nextDue : reconnecting) {
                        pending += dueBefore(nextDue, window.until);
                    }
                    return pending;
                }).get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the load generator's event loop failed", e.getCause());
            }
        }

        /** How many of the requests scheduled from {@code nextDue} on are due before {@code end}. */
        long dueBefore(long nextDue, long end) {
            if (intervalNanos == 0 || nextDue - end >= 0) {
                return 0;
            }
            return (end - nextDue + intervalNanos - 1) / intervalNanos;
        }

        @Override
        public void close() {
            stopped = true;
            synchronized (channels) {
                channels.forEach(Channel::close);
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** One connection's schedule; every field is used on the connection's event loop only. */
    private final class LoopHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Running load;
        /** Fixed rate: when the next request is due. */
        private long nextDue;
        /** When the request awaiting its answer was due (closed loop: when it was sent). */
        private long inFlightDue;
        private boolean inFlight;
        /** The connection has closed; its schedule went on with a new one. */
        private boolean retired;

        LoopHandler(Running load) {
            this.load = load;
        }

        void start(Channel channel, long firstDue) {
            nextDue = firstDue;
            sendNext(channel);
        }

        private boolean fixedRate() {
            return load.intervalNanos > 0;
        }

        void sendNext(Channel channel) {
            if (load.stopped || !channel.isActive()) {
                return;
            }
            long now = System.nanoTime();
            long due = fixedRate() ? nextDue : now;
            if (!load.window.sends(due)) {
                return;
            }
            long wait = due - now;
            if (wait <= 0) {
                send(channel, due);
            } else {
                channel.eventLoop().schedule(() -> send(channel, due), wait, TimeUnit.NANOSECONDS);
            }
        }

        /** Sends one request, timed from {@code due}. */
        private void send(Channel channel, long due) {
            if (load.stopped || !channel.isActive()) {
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, target.getHostString() + ":" + target.getPort());
            headers.forEach((name, value) -> request.headers().set(name, value));
            if (varying != null) {
                request.headers().set(varying.header(),
                        varying.valueOf().apply(ThreadLocalRandom.current().nextInt(varying.count())));
            }
            inFlightDue = due;
            inFlight = true;
            nextDue = due + load.intervalNanos;
            load.sent.incrementAndGet();
            channel.writeAndFlush(request);
        }

        /** Requests due in the window this connection still owes: the one in flight and those not yet sent. */
        long pendingInWindow() {
            long pending = inFlight && load.window.contains(inFlightDue) ? 1 : 0;
            if (!retired) {
                pending += load.dueBefore(nextDue, load.window.until);
            }
            return pending;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long micros = Math.max(1, (System.nanoTime() - inFlightDue) / 1000);
            inFlight = false;
            boolean measured = load.window.contains(inFlightDue);
            if (response.status().code() == 200) {
                load.ok.incrementAndGet();
                load.recorder.recordValue(micros);
                if (measured) {
                    load.window.latencies.recordValue(micros);
                }
            } else {
                String error = response.headers().get("X-Road-Error");
                load.error(error != null ? error : "HTTP " + response.status().code());
                if (measured) {
                    load.window.errors.increment();
                }
            }
            sendNext(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            load.error("connection: " + cause.getClass().getSimpleName());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (inFlight) {
                inFlight = false;
                if (load.window.contains(inFlightDue)) {
                    load.window.errors.increment();
                }
            }
            if (!load.stopped) {
                load.error("connection closed");
                retired = true;
                load.reconnect(fixedRate() ? nextDue : System.nanoTime());
            }
        }
    }
}
