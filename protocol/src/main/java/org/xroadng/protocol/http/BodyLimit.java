package org.xroadng.protocol.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * After {@link ConnectionTimeouts}, before the {@link Dispatcher}: whole request bodies up to the
 * limit. A larger body, announced or streamed, and an {@code Expect} other than
 * {@code 100-continue} (RFC 9110 section 10.1.1) become a {@link Refusal} passed on in the
 * request's place, never an answer written from here, so they cannot overtake answers still owed
 * to earlier requests. {@code 100 Continue} for an acceptable size is Netty's.
 *
 * <p>Unlike Netty's aggregator it never asks for more bytes itself when the channel does not read
 * automatically: the {@link Dispatcher} stops reading while it answers and nothing may undo that.
 */
final class BodyLimit extends HttpObjectAggregator {

    private final int maxBodyBytes;

    BodyLimit(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object response = super.newContinueResponse(start, maxContentLength, pipeline);
        if (response instanceof FullHttpResponse full && full.status().code() != 100) {
            full.release();
            if (full.status().code() != 413) {
                pipeline.context(this).fireChannelRead(Refusal.expectationFailed());
            }
            // 413: the aggregator finds the Content-Length too large and calls handleOversizedMessage
            return null;
        }
        return response;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.fireChannelRead(Refusal.tooLarge(maxBodyBytes));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }
}
