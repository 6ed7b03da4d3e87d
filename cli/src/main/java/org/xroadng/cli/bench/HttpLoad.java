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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * An HTTP/1.1 load generator over C keep-alive connections, for a fixed time after a warm-up.
 * Closed loop (rate 0): each connection sends its next request as soon as the previous answer
 * arrives. Fixed rate: each connection sends on a schedule (rate / C per second) and latency is
 * measured from the scheduled time, so a slow answer that delays later requests shows in the
 * percentiles instead of hiding (no coordinated omission). Latencies go into an HdrHistogram;
 * answers other than 200 are counted as errors.
 */
public final class HttpLoad {

    /** What one run measured. */
    public record Result(long requests, long errors, double seconds, org.HdrHistogram.Histogram latencyMicros) {
        public double perSecond() {
            return requests / seconds;
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

    public Result run(int connections, double ratePerSecond, Duration warmUp, Duration measure) throws InterruptedException {
        long intervalNanos = ratePerSecond <= 0 ? 0 : (long) (1e9 * connections / ratePerSecond);
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("bench-load", true));
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Phase phase = new Phase();
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(10 * 1024 * 1024),
                                    new LoopHandler(recorder, ok, errors, phase, intervalNanos));
                        }
                    });
            for (int i = 0; i < connections; i++) {
                channels.add(bootstrap.connect(target).sync().channel());
            }
            // Spread the connections' schedules over one interval, so a fixed rate arrives evenly, not in bursts.
            long start0 = System.nanoTime();
            for (int i = 0; i < channels.size(); i++) {
                Channel ch = channels.get(i);
                ch.pipeline().get(LoopHandler.class).start(ch, start0 + intervalNanos * i / channels.size());
            }
            Thread.sleep(warmUp.toMillis());
            recorder.reset();
            ok.set(0);
            errors.set(0);
            long start = System.nanoTime();
            phase.measuring = true;
            Thread.sleep(measure.toMillis());
            phase.measuring = false;
            phase.stopped = true;
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(ok.get(), errors.get(), seconds, recorder.getIntervalHistogram());
        } finally {
            phase.stopped = true;
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Whether answers count and whether new requests go out. */
    private static final class Phase {
        volatile boolean measuring;
        volatile boolean stopped;
    }

    private final class LoopHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Recorder recorder;
        private final AtomicLong ok;
        private final AtomicLong errors;
        private final Phase phase;
        private final long intervalNanos;
        private long sentAt;

        LoopHandler(Recorder recorder, AtomicLong ok, AtomicLong errors, Phase phase, long intervalNanos) {
            this.recorder = recorder;
            this.ok = ok;
            this.errors = errors;
            this.phase = phase;
            this.intervalNanos = intervalNanos;
        }

        void start(Channel channel, long firstAt) {
            if (intervalNanos == 0) {
                sendNext(channel);
                return;
            }
            sentAt = firstAt - intervalNanos;
            sendNext(channel);
        }

        void sendNext(Channel channel) {
            if (phase.stopped || !channel.isActive()) {
                return;
            }
            if (intervalNanos == 0) {
                send(channel, System.nanoTime());
                return;
            }
            long due = sentAt + intervalNanos;
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                send(channel, due);
            } else {
                channel.eventLoop().schedule(() -> send(channel, due), wait, TimeUnit.NANOSECONDS);
            }
        }

        /** Sends one request, timed from {@code scheduledAt}. */
        private void send(Channel channel, long scheduledAt) {
            if (phase.stopped || !channel.isActive()) {
                return;
            }
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path,
                    Unpooled.EMPTY_BUFFER);
            request.headers().set(HttpHeaderNames.HOST, target.getHostString() + ":" + target.getPort());
            headers.forEach((name, value) -> request.headers().set(name, value));
            sentAt = scheduledAt;
            channel.writeAndFlush(request);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long micros = (System.nanoTime() - sentAt) / 1000;
            if (phase.measuring) {
                if (response.status().code() == 200) {
                    ok.incrementAndGet();
                    recorder.recordValue(Math.max(1, micros));
                } else {
                    errors.incrementAndGet();
                }
            }
            sendNext(ctx.channel());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            ctx.close();
        }
    }
}
