package org.xroadng.securityserver;

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
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.error.ErrorBody;
import org.xroadng.protocol.error.ErrorFormat;

/** Writing answers from the proxies' Netty pipelines (thread-safe: writes are queued to the event loop). */
public final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {
    }

    /** An error answer in JSON: see {@link #error(ExchangeException, String, String)}. */
    public static FullHttpResponse error(ExchangeException e, String queryId) {
        return error(e, queryId, null);
    }

    /**
     * An error answer (X-Road Message Protocol for REST, section 4.6): {@code {"type", "message",
     * "detail"}} in JSON, or in XML when {@code accept} (the IS's {@code Accept}, null when none)
     * prefers it ({@link ErrorFormat}), with {@code X-Road-Error: type} and, when the exchange's
     * query id is known, {@code X-Road-Id}. {@code detail} is a fresh fault id (a UUID) that the
     * server logs with the type, message and query id, so an operator can find this very failure.
     */
    public static FullHttpResponse error(ExchangeException e, String queryId, String accept) {
        String faultId = UUID.randomUUID().toString();
        if (e.type().isClientError()) {
            LOG.debug("fault {}: {} {} (query {})", faultId, e.type().code(), e.getMessage(), queryId);
        } else {
            LOG.info("fault {}: {} {} (query {})", faultId, e.type().code(), e.getMessage(), queryId);
        }
        ErrorFormat format = ErrorFormat.of(accept);
        byte[] body = format.render(ErrorBody.of(e.type(), e.getMessage(), faultId));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(e.type().httpStatus()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, format.contentType());
        response.headers().set(XRoadHeaders.ERROR, e.type().code());
        if (queryId != null) {
            response.headers().set(XRoadHeaders.ID, queryId);
        }
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
