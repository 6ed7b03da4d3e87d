package org.xroadng.securityserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.error.ErrorType;

class BodyBudgetGuardTest {

    private final BodyBudget budget = new BodyBudget(1000);

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new BodyBudgetGuard(budget, 800, ErrorType.CLIENT_PROXY_OVERLOADED));
    }

    private static HttpRequest post(long length) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/r1/x");
        if (length >= 0) {
            HttpUtil.setContentLength(request, length);
        } else {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        return request;
    }

    private static void answer(EmbeddedChannel channel) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ((FullHttpResponse) channel.readOutbound()).release();
    }

    @Test
    void declaredLength_isReservedUntilTheAnswerIsWritten() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(post(600));
        assertEquals(600, budget.inFlight());
        assertSame(channel.attr(BodyBudgetGuard.RESERVATION).get(), channel.attr(BodyBudgetGuard.RESERVATION).get());
        channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[600])));
        assertTrue(channel.attr(BodyBudgetGuard.RESERVATION).get().tryGrow(300), "an answer grows the reservation");
        assertEquals(900, budget.inFlight());

        answer(channel);

        assertEquals(0, budget.inFlight());
        channel.finishAndReleaseAll();
    }

    @Test
    void declaredLengthOverBudget_isAnswered503Json_andTheBodyDropped() {
        EmbeddedChannel busy = channel();
        busy.writeInbound(post(600));
        EmbeddedChannel channel = channel();

        assertFalse(channel.writeInbound(post(500)), "nothing passes on");
        FullHttpResponse refused = channel.readOutbound();
        assertFalse(channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[500]))));

        assertEquals(503, refused.status().code());
        assertEquals("Server.ClientProxy.Overloaded", refused.headers().get("X-Road-Error"));
        assertEquals("application/json; charset=utf-8", refused.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertTrue(refused.content().toString(StandardCharsets.UTF_8).contains("\"type\":\"Server.ClientProxy.Overloaded\""),
                refused.content().toString(StandardCharsets.UTF_8));
        assertTrue(channel.isOpen(), "a kept-alive client still sending its body reads the answer, not a reset");
        assertEquals(1, budget.refusals());
        assertEquals(600, budget.inFlight());
        channel.writeInbound(post(100));
        assertEquals(700, budget.inFlight(), "the next request on the connection is reserved as usual");
        answer(channel);
        assertEquals(600, budget.inFlight(), "and given back with its own answer");
        refused.release();
        busy.finishAndReleaseAll();
        assertEquals(0, budget.inFlight(), "closing the connection gives its reservation back");
        channel.finishAndReleaseAll();
    }

    @Test
    void chunkedBody_isReservedAsItArrives_andRefusedWhenTheBudgetIsSpent() {
        EmbeddedChannel channel = channel();
        assertTrue(channel.writeInbound(post(-1)));
        channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[400])));
        assertEquals(400, budget.inFlight());
        channel.releaseInbound();
        budget.open().tryGrow(500);

        assertFalse(channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[200]))));
        channel.runPendingTasks();
        FullHttpResponse refused = channel.readOutbound();

        assertEquals(503, refused.status().code());
        assertEquals(500, budget.inFlight(), "the refused request's reservation is given back when the answer is written");
        assertFalse(channel.isOpen(), "a chunked body cannot be skipped cheaply: the connection closes");
        refused.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void bodyOverTheMessageLimit_passesUnreserved_forTheAggregatorToRefuseAsTooLarge() {
        EmbeddedChannel channel = channel();
        assertTrue(channel.writeInbound(post(5000)));
        assertEquals(0, budget.inFlight());
        assertNull(channel.readOutbound());
        assertTrue(channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT));
        channel.finishAndReleaseAll();
    }

    @Test
    void clientHangsUpDuringItsExchange_bytesStayHeldUntilTheExchangeGivesThemBack() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(post(800));
        channel.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[800])));
        Reservation exchange = channel.attr(BodyBudgetGuard.RESERVATION).get();
        channel.close(); // the exchange, holding the body, goes on to the provider

        assertEquals(800, budget.inFlight(), "the exchange still holds the body");
        EmbeddedChannel second = channel();
        second.writeInbound(post(800));
        FullHttpResponse refused = second.readOutbound();
        assertEquals(503, refused.status().code(), "a second body does not fit beside it");
        refused.release();

        exchange.close(); // the handler, once the exchange's answer is written or cannot be
        assertEquals(0, budget.inFlight());
        second.finishAndReleaseAll();
        channel.finishAndReleaseAll();
    }

    @Test
    void clientHangsUpWhileSendingItsBody_bytesGivenBackAtOnce() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(post(800));
        channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[100])));
        assertEquals(800, budget.inFlight());
        channel.close();
        assertEquals(0, budget.inFlight(), "no exchange took the half-sent request");
        channel.finishAndReleaseAll();
    }
}
