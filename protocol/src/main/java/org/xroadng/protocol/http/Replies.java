package org.xroadng.protocol.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** {@link HttpReply} to Netty's response, as the {@link Dispatcher} writes it. */
final class Replies {

    private Replies() {
    }

    /**
     * The reply with {@code Cache-Control: no-store} and its {@code Content-Length}; no body for a
     * HEAD request or a status that has none (RFC 9110 section 6.4.1).
     */
    static FullHttpResponse response(HttpReply reply, boolean head) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        boolean bodyless = reply.status() == 204 || reply.status() == 304 || reply.status() < 200;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head || bodyless || reply.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        reply.headers().forEach((name, value) -> response.headers().set(name, value));
        reply.setCookies().forEach(cookie -> response.headers().add(HttpHeaderNames.SET_COOKIE, cookie));
        if (reply.contentType() != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (!bodyless) {
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        }
        return response;
    }
}
