package org.xroadng.securityserver.clientproxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;

/** Aggregates request bodies up to the limit and answers a larger one with {@code Client.RequestTooLarge}. */
final class LimitedAggregator extends HttpObjectAggregator {

    private final int maxBodyBytes;

    LimitedAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Answers at once; on a kept-alive connection the rest of the body is read and discarded (so the
     * client, still sending, sees the answer rather than a reset), otherwise the connection closes.
     */
    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean keepAlive = !(oversized instanceof io.netty.handler.codec.http.FullHttpMessage)
                && io.netty.handler.codec.http.HttpUtil.isKeepAlive(oversized);
        Responses.write(ctx, Responses.error(new ExchangeException(ErrorType.CLIENT_REQUEST_TOO_LARGE,
                "the request body is larger than this server's limit of " + maxBodyBytes + " bytes"), null), keepAlive);
    }
}
