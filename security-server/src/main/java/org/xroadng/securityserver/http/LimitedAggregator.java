package org.xroadng.securityserver.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;

/**
 * In both proxies' pipelines, between the budget guard and the exchange handler: aggregates request bodies up to the limit and answers a larger one with {@code Client.RequestTooLarge},
 * also when the client announced the size and waits with {@code Expect: 100-continue} (RFC 9110
 * section 10.1.1): then it gets the same JSON 413 instead of {@code 100 Continue}, and the
 * connection closes, since the client will not send the body the server would have to skip.
 */
public final class LimitedAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    public LimitedAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Answers at once; on a kept-alive connection the rest of the body is read and discarded (so the
     * client, still sending, sees the answer rather than a reset), otherwise the connection closes.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
        Responses.write(ctx, tooLarge(), keepAlive);
    }

    /** {@code 100 Continue} for an acceptable size (Netty's answer), our 413 for a larger one. */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            FullHttpResponse refused = tooLarge();
            HttpUtil.setContentLength(refused, refused.content().readableBytes());
            refused.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return refused;
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    private FullHttpResponse tooLarge() {
        return Responses.error(new ExchangeException(ErrorType.CLIENT_REQUEST_TOO_LARGE,
                "the request body is larger than this server's limit of " + maxBodyBytes + " bytes"), null);
    }
}
