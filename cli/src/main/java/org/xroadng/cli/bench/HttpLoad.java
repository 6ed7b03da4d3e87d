package org.xroadng.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An HTTP/1.1 load generator over C keep-alive connections. Closed loop (rate 0): each connection
 * sends its next request as soon as the previous answer arrives. Fixed rate: each connection sends
 * on a schedule (rate / C per second) and latency is measured from the scheduled time, so a slow
 * answer that delays later requests shows in the percentiles instead of hiding (no coordinated
 * omission). Latencies of 200 answers go into an HdrHistogram; any other answer is an error, named
 * by its {@code X-Road-Error} header (or its status when it has none); a connection that fails is
 * an error named by the exception, and is opened again.
 *
 * <p>{@link #run} measures once after a warm-up; {@link #start} keeps the load going and answers
 * what each interval saw ({@link Running#interval()}) until it is closed.
 */
public final class HttpLoad {

    /** What one run measured. */
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

    private final InetSocketAddress target;
    private final String path;
    private final Map<String, String> headers;

    public HttpLoad(InetSocketAddress target, String path, Map<String, String> headers) {
        this.target = target;
        this.path = path;
        this.headers = Map.copyOf(headers);
    }

    /** Loads the target for {@code warmUp}, then measures for {@code measure}, then stops. */
    public Result run(int connections, double ratePerSecond, Duration warmUp, Duration measure) throws InterruptedException {
        try (Running running = start(connections, ratePerSecond)) {
            Thread.sleep(warmUp.toMillis());
            running.interval();
            Thread.sleep(measure.toMillis());
            Interval measured = running.interval();
            return new Result(measured.ok(), measured.errorCount(), measured.seconds(), measured.latencyMicros());
        }
    }

    /** Opens the connections and starts sending; the load runs until the answer is closed. */
    public Running start(int connections, double ratePerSecond) throws InterruptedException {
        Running running = new Running(ratePerSecond <= 0 ? 0 : (long) (1e9 * connections / ratePerSecond));
        try {
            for (int i = 0; i < connections; i++) {
                running.channels.add(running.bootstrap.connect(target).sync().channel());
            }
        } catch (InterruptedException | RuntimeException e) {
            running.close();
            throw e;
        }
        // Spread the connections' schedules over one interval, so a fixed rate arrives evenly, not in bursts.
        long start0 = System.nanoTime();
        for (int i = 0; i < running.channels.size(); i++) {
            Channel ch = running.channels.get(i);
            ch.pipeline().get(LoopHandler.class).start(ch, start0 + running.intervalNanos * i / running.channels.size());
        }
        return running;
    }

    /** A load in progress: its counters, read and reset by {@link #interval()}. */
    public final class Running implements AutoCloseable {
        private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-load", true));
        private final Recorder recorder = new Recorder(3);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong ok = new AtomicLong();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final List<Channel> channels = new ArrayList<>();
        private final long intervalNanos;
        private final Bootstrap bootstrap;
        private volatile boolean stopped;
        private long intervalStart = System.nanoTime();

        private Running(long intervalNanos) {
            this.intervalNanos = intervalNanos;
            this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
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

        /** Opens a connection again after one failed, unless the load is over. */
        void reconnect() {
            if (stopped) {
                return;
            }
            group.schedule(() -> bootstrap.connect(target).addListener(f -> {
                if (f.isSuccess()) {
                    Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                    synchronized (channels) {
                        channels.add(ch);
                    }
                    ch.pipeline().get(LoopHandler.class).start(ch, System.nanoTime());
                } else {
                    error("connect: " + f.cause().getClass().getSimpleName());
                    reconnect();
                }
            }), 100, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            stopped = true;
            synchronized (channels) {
                channels.forEach(Channel::close);
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private final class LoopHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Running load;
        private long sentAt;

        LoopHandler(Running load) {
            this.load = load;
        }

        void start(Channel channel, long firstAt) {
            if (load.intervalNanos == 0) {
                sendNext(channel);
                return;
            }
            sentAt = firstAt - load.intervalNanos;
            sendNext(channel);
        }

        void sendNext(Channel channel) {
            if (load.stopped || !channel.isActive()) {
                return;
            }
            if (load.intervalNanos == 0) {
                send(channel, System.nanoTime());
                return;
            }
            long due = sentAt + load.intervalNanos;
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                send(channel, due);
            } else {
                channel.eventLoop().schedule(() -> send(channel, due), wait, TimeUnit.NANOSECONDS);
            }
        }

        /** Sends one request, timed from {@code scheduledAt}. */
        private void send(Channel channel, long scheduledAt) {
            if (load.stopped || !channel.isActive()) {
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, target.getHostString() + ":" + target.getPort());
            headers.forEach((name, value) -> request.headers().set(name, value));
            sentAt = scheduledAt;
            load.sent.incrementAndGet();
            channel.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long micros = (System.nanoTime() - sentAt) / 1000;
            if (response.status().code() == 200) {
                load.ok.incrementAndGet();
                load.recorder.recordValue(Math.max(1, micros));
            } else {
                String error = response.headers().get("X-Road-Error");
                load.error(error != null ? error : "HTTP " + response.status().code());
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
            if (!load.stopped) {
                load.error("connection closed");
                load.reconnect();
            }
        }
    }
}
