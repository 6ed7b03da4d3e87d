package org.xroadng.securityserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorBody;
import org.xroadng.protocol.json.ProtocolJson;

/** Writing answers from the proxies' Netty pipelines (thread-safe: writes are queued to the event loop). */
public final class Responses {

    private static final String JSON_UTF8 = "application/json; charset=utf-8";

    private Responses() {
    }

    /** An error answer: {@code {"type", "message", "detail"}} with {@code X-Road-Error} (DESIGN.md section 6). */
    public static FullHttpResponse error(ExchangeException e, String detail) {
        byte[] body;
        try {
            body = ProtocolJson.mapper().writeValueAsBytes(ErrorBody.of(e.type(), e.getMessage(), detail));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(e.type().httpStatus()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8);
        response.headers().set(XRoadHeaders.ERROR, e.type().code());
        return response;
    }

    /** A response with the given status, headers (in order) and body. */
    public static FullHttpResponse of(int status, List<Map.Entry<String, String>> headers, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        for (Map.Entry<String, String> header : headers) {
            response.headers().add(header.getKey(), header.getValue());
        }
        return response;
    }

    /** Writes the response, keeping the connection open when the request allowed it. */
    public static ChannelFuture write(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        written.addListener(future -> {
            if (!keepAlive || !future.isSuccess()) {
                ctx.close();
            }
        });
        return written;
    }
}
