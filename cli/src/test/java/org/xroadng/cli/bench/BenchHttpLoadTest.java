package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpLoad} against a loopback Netty server that stalls one answer for {@link #STALL}: at a fixed rate
 * the requests due during the stall count their wait (no coordinated omission), also when the
 * stall runs past the end of the measured time; a closed loop sees one slow request only.
 */
class BenchHttpLoadTest {

    private static final Duration STALL = Duration.ofMillis(500);
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    private final EventLoopGroup loop = new NioEventLoopGroup(1);
    private Channel server;
    /** The first request arriving at or after this {@code System.nanoTime()} is answered {@link #STALL} late. */
    private volatile long stallAt = Long.MAX_VALUE;
    private final AtomicBoolean stalled = new AtomicBoolean();
    /** The X-Road-Subject of every request the server saw. */
    private final Queue<String> subjects = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() throws InterruptedException {
        server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        subjects.add(String.valueOf(request.headers().get("X-Road-Subject")));
                                        answer(ctx);
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Answers at once, or {@link #STALL} late the first time after {@link #stallAt}. */
    private void answer(ChannelHandlerContext ctx) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(BODY));
        HttpUtil.setContentLength(response, BODY.length);
        if (System.nanoTime() - stallAt >= 0 && stalled.compareAndSet(false, true)) {
            ctx.executor().schedule(() -> ctx.writeAndFlush(response), STALL.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    private HttpLoad load() {
        return new HttpLoad((InetSocketAddress) server.localAddress(), "/", Map.of());
    }

    /** Runs the load (1 connection) with the stall {@code stallAfter} from now: warm-up 300 ms, then {@code measure}. */
    private HttpLoad.Result runWithStall(double rate, Duration stallAfter, Duration measure) throws InterruptedException {
        stallAt = System.nanoTime() + stallAfter.toNanos();
        HttpLoad.Result result = load().run(1, rate, Duration.ofMillis(300), measure);
        assertTrue(stalled.get(), "the server stalled during the run");
        return result;
    }

    private static long atLeast(Histogram latencies, Duration value) {
        long micros = value.toNanos() / 1000;
        return latencies.getMaxValue() < micros ? 0 : latencies.getCountBetweenValues(micros, latencies.getMaxValue());
    }

    @Test
    void fixedRate_stallDuringTheRun_requestsDueMeanwhileCountTheirWait() throws InterruptedException {
        HttpLoad.Result result = runWithStall(100, Duration.ofMillis(1000), Duration.ofSeconds(2));

        Histogram latencies = result.latencyMicros();
        assertEquals(0, result.errors());
        assertTrue(latencies.getMaxValue() >= 450_000, "the stalled request: max " + latencies.getMaxValue() + " µs");
        // 100/s on one connection: ~50 requests fall due during the stall and wait 490 ms .. 10 ms for it.
        assertTrue(atLeast(latencies, Duration.ofMillis(100)) >= 30,
                atLeast(latencies, Duration.ofMillis(100)) + " of " + latencies.getTotalCount() + " at 100 ms or more");
        assertTrue(latencies.getValueAtPercentile(99) >= 400_000, "p99 " + latencies.getValueAtPercentile(99) + " µs");
        assertTrue(latencies.getTotalCount() >= 150, "about 200 requests due: " + latencies.getTotalCount());
    }

    @Test
    void closedLoop_sameStall_onlyTheStalledRequestIsSlow() throws InterruptedException {
        HttpLoad.Result result = runWithStall(0, Duration.ofMillis(1000), Duration.ofSeconds(2));

        Histogram latencies = result.latencyMicros();
        assertEquals(0, result.errors());
        assertTrue(latencies.getMaxValue() >= 450_000, "the stalled request: max " + latencies.getMaxValue() + " µs");
        assertTrue(atLeast(latencies, Duration.ofMillis(100)) <= 2,
                atLeast(latencies, Duration.ofMillis(100)) + " of " + latencies.getTotalCount() + " at 100 ms or more");
        assertTrue(latencies.getTotalCount() >= 500, "as fast as answers come: " + latencies.getTotalCount());
        assertTrue(latencies.getValueAtPercentile(99) < 100_000, "p99 " + latencies.getValueAtPercentile(99) + " µs");
    }

    @Test
    void varyingHeader_eachRequestNamesOneOfThePopulation_andAllOfASmallOneAppear() throws InterruptedException {
        HttpLoad.Result result = new HttpLoad((InetSocketAddress) server.localAddress(), "/",
                Map.of("X-Road-Subject", "fixed")).varying("X-Road-Subject", 5, i -> "EE" + i)
                .run(2, 0, Duration.ofMillis(100), Duration.ofMillis(500));

        assertEquals(0, result.errors());
        assertTrue(subjects.size() >= 100, subjects.size() + " requests");
        assertEquals(Set.of("EE0", "EE1", "EE2", "EE3", "EE4"), Set.copyOf(subjects),
                "every request names one of the five (none the fixed value), and each of them comes up");
    }

    @Test
    void varyingHeader_populationOfNone_refused() {
        assertThrows(IllegalArgumentException.class, () -> load().varying("X-Road-Subject", 0, i -> "EE" + i));
    }

    @Test
    void fixedRate_stallPastTheEndOfTheRun_waitedForAndCounted() throws InterruptedException {
        // The stall begins ~200 ms before the measured second ends and answers 300 ms after it.
        HttpLoad.Result result = runWithStall(100, Duration.ofMillis(300 + 800), Duration.ofSeconds(1));

        Histogram latencies = result.latencyMicros();
        assertEquals(0, result.errors());
        assertTrue(latencies.getMaxValue() >= 450_000, "the stalled request: max " + latencies.getMaxValue() + " µs");
        // The ~20 requests due in the last 200 ms are sent after the stall and wait 490 .. 300 ms.
        assertTrue(atLeast(latencies, Duration.ofMillis(250)) >= 10,
                atLeast(latencies, Duration.ofMillis(250)) + " of " + latencies.getTotalCount() + " at 250 ms or more");
    }
}
