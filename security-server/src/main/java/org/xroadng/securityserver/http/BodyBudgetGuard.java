package org.xroadng.securityserver.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;

/**
 * Between a proxy's keep-alive handler and its body aggregator: opens a {@link Reservation} of the
 * server's {@link BodyBudget} for each request, taking its {@code Content-Length} at once, or a
 * chunked body's bytes as they arrive, and publishes it as {@link #RESERVATION} for the exchange
 * (whose answers grow it). When the budget cannot give the bytes it answers 503 with the
 * {@code overloaded} error type at once: before any body is kept (and before a
 * {@code 100 Continue}) when the length is declared, the rest of the body then read and dropped;
 * a chunked body over budget closes the connection after the answer. Bodies larger than the
 * per-message limit pass unreserved to the aggregator, which refuses them as too large. A
 * reservation closes when its final response has been written. Once a request has been read in
 * full it belongs to its exchange (the handler closes it when its answer is written or cannot be):
 * a client that hangs up does not give back bytes its exchange still holds. A request still being
 * read when the connection closes gives its bytes back then.
 */
public final class BodyBudgetGuard extends ChannelDuplexHandler {

    /** The reservation of the request most recently read on a connection. */
    public static final AttributeKey<Reservation> RESERVATION = AttributeKey.valueOf("xroad.reservation");

    private final BodyBudget budget;
    private final long maxBodyBytes;
    private final ErrorType overloaded;
    private final ArrayDeque<Reservation> open = new ArrayDeque<>(2);
    private Reservation reading;
    /** The reservation of the request being read, until its last content is passed on. */
    private Reservation receiving;
    private long readingBytes;
    private boolean discarding;

    public BodyBudgetGuard(BodyBudget budget, long maxBodyBytes, ErrorType overloaded) {
        this.budget = budget;
        this.maxBodyBytes = maxBodyBytes;
        this.overloaded = overloaded;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            reading = budget.open();
            receiving = reading;
            open.add(reading);
            long length = HttpUtil.getContentLength(request, -1L);
            if (length > maxBodyBytes || reading.tryGrow(Math.max(length, 0))) {
                reading = length < 0 ? reading : null;
                readingBytes = 0;
                ctx.channel().attr(RESERVATION).set(open.peekLast());
                ctx.fireChannelRead(msg);
            } else {
                reading = null;
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                refuse(ctx, HttpUtil.isKeepAlive(request) && !HttpUtil.is100ContinueExpected(request));
            }
            return;
        }
        if (msg instanceof HttpContent content) {
            if (discarding) {
                discarding = !(msg instanceof LastHttpContent);
                content.release();
                return;
            }
            int bytes = content.content().readableBytes();
            readingBytes += bytes;
            if (reading != null && readingBytes <= maxBodyBytes && !reading.tryGrow(bytes)) {
                reading = null;
                discarding = !(msg instanceof LastHttpContent);
                content.release();
                refuse(ctx, false);
                return;
            }
            if (msg instanceof LastHttpContent) {
                reading = null;
            }
        }
        if (msg instanceof LastHttpContent) {
            receiving = null; // read in full: its exchange owns the reservation now
        }
        ctx.fireChannelRead(msg);
    }

    /** Answers the request being read, whose reservation (the latest) is given back now. */
    private void refuse(ChannelHandlerContext ctx, boolean keepAlive) {
        Reservation refused = open.pollLast();
        if (refused != null) {
            refused.close();
        }
        receiving = null;
        Responses.write(ctx, Responses.error(new ExchangeException(overloaded, "this security server already holds its"
                + " limit of " + budget.limit() + " bytes of messages in memory; try again shortly"), null), keepAlive);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            Reservation done = open.poll();
            if (done != null) {
                ctx.write(msg, promise.unvoid()).addListener(done);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeAll();
    }

    /** The connection is gone: the request being read gives its bytes back; exchanges keep theirs. */
    private void closeAll() {
        if (receiving != null) {
            receiving.close();
            receiving = null;
        }
        open.clear();
        reading = null;
    }
}
