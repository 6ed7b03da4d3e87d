package org.xroadng.protocol.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The proxies' connection timers with pipelined requests and answers written at once: no timer
 * runs while an answer is owed, and a kept-alive connection idles for the idle timeout, not the
 * header deadline. (Wall-clock waits are short; the deadlines are set apart by a wide margin.)
 */
class ConnectionTimeoutsTest {

    /** Counts the closes, as the proxies' metrics do. */
    private static final class Counted implements ConnectionTimeouts.Closes {
        int idle;
        int slow;

        @Override
        public void idle() {
            idle++;
        }

        @Override
        public void slow() {
            slow++;
        }
    }

    private final Counted stats = new Counted();

    private static void answer(EmbeddedChannel channel) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ((FullHttpResponse) channel.readOutbound()).release();
    }

    private static void waitAndRun(EmbeddedChannel channel, long millis) throws InterruptedException {
        Thread.sleep(millis);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }

    @Test
    void pipelinedRequestArrivesWhileTheFirstIsAnswered_notCutWhileItsAnswerIsOwed() throws InterruptedException {
        EmbeddedChannel channel = new EmbeddedChannel(new ConnectionTimeouts(Duration.ofMillis(5_000), Duration.ofMillis(300), stats));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/one"));
        DefaultHttpRequest second = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/two");
        HttpUtil.setContentLength(second, 3);
        channel.writeInbound(second);
        answer(channel);
        channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[3])));

        waitAndRun(channel, 700); // past the header deadline; the provider is still working on /two

        assertTrue(channel.isActive(), "the second answer is owed: no timer runs");
        answer(channel);
        assertEquals(0, stats.slow);
        channel.finishAndReleaseAll();
    }

    @Test
    void answerWrittenInTheSameRead_connectionIdlesForTheIdleTimeoutNotTheHeaderDeadline() throws InterruptedException {
        EmbeddedChannel channel = new EmbeddedChannel(new ConnectionTimeouts(Duration.ofMillis(1_500), Duration.ofMillis(300), stats));
        channel.pipeline().fireChannelRead(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/one"));
        answer(channel); // a refusal answered on the event loop, before the read completes
        channel.pipeline().fireChannelReadComplete();

        waitAndRun(channel, 700);
        assertTrue(channel.isActive(), "kept alive past the header deadline: nothing has begun");

        waitAndRun(channel, 1_300);
        assertFalse(channel.isActive(), "closed at the idle timeout");
        assertEquals(1, stats.idle);
        assertEquals(0, stats.slow);
        channel.finishAndReleaseAll();
    }
}
