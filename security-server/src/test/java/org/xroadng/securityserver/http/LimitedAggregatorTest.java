package org.xroadng.securityserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.securityserver.testing.EmbeddedHttp;

/** The body limit in a server pipeline (codec, keep-alive, this), before a handler that echoes the body's size. */
class LimitedAggregatorTest {

    private static final int LIMIT = 100;

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new LimitedAggregator(LIMIT),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                HttpResponseStatus.OK, Unpooled.copiedBuffer("got " + request.content().readableBytes(),
                                StandardCharsets.US_ASCII));
                        HttpUtil.setContentLength(response, response.content().readableBytes());
                        ctx.writeAndFlush(response);
                    }
                });
    }

    private static String post(int length, String... extra) {
        return String.join("\r\n", List.of("POST /r1/x HTTP/1.1", "Host: proxy", "Content-Length: " + length))
                + (extra.length == 0 ? "" : "\r\n" + String.join("\r\n", extra));
    }

    @Test
    void bodyWithinTheLimit_reachesTheHandlerWhole() {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("x".repeat(LIMIT), post(LIMIT)));

        FullHttpResponse response = EmbeddedHttp.response(channel);
        assertEquals("got 100", response.content().toString(StandardCharsets.US_ASCII));
        response.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void declaredBodyOverTheLimit_isAnswered413Json_andTheNextRequestOnTheConnectionIsServed() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(EmbeddedHttp.request("x".repeat(LIMIT + 1), post(LIMIT + 1)));
        channel.writeInbound(EmbeddedHttp.request("y".repeat(10), post(10)));

        List<FullHttpResponse> responses = EmbeddedHttp.responses(channel);
        assertEquals(2, responses.size());
        FullHttpResponse refused = responses.get(0);
        assertEquals(413, refused.status().code());
        assertEquals("Client.RequestTooLarge", refused.headers().get("X-Road-Error"));
        assertEquals("application/json; charset=utf-8", refused.headers().get("Content-Type"));
        JsonNode json = EmbeddedHttp.json(refused);
        assertEquals("the request body is larger than this server's limit of 100 bytes", json.get("message").asText());
        assertEquals("got 10", responses.get(1).content().toString(StandardCharsets.US_ASCII),
                "the refused body was read and dropped, not taken for the next request");
        assertTrue(channel.isOpen());
        responses.forEach(FullHttpResponse::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void chunkedBodyGrowingOverTheLimit_isAnswered413() throws IOException {
        EmbeddedChannel channel = channel();

        channel.writeInbound(Unpooled.copiedBuffer("POST /r1/x HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "40\r\n" + "x".repeat(64) + "\r\n40\r\n" + "x".repeat(64) + "\r\n0\r\n\r\n", StandardCharsets.US_ASCII));

        FullHttpResponse refused = EmbeddedHttp.response(channel);
        assertEquals(413, refused.status().code());
        assertEquals("Client.RequestTooLarge", EmbeddedHttp.json(refused).get("type").asText());
        refused.release();
        channel.finishAndReleaseAll();
    }
}
