package org.xroadng.securityserver.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Right after the HTTP codec of a proxy connection: closes the connection when the client keeps
 * the server waiting. Between exchanges it may idle for {@code idleTimeout}; once a request's first
 * bytes arrive its head must be complete within {@code headerTimeout} (a slow-loris never finishing
 * its headers is closed); while its body arrives, no more than {@code idleTimeout} may pass without
 * bytes. No timer runs while the server owes the answer (from the end of the request to the final
 * response, written by a later handler): a provider working within its service timeout is never
 * cut off. Informational (1xx) answers do not end an exchange.
 *
 * <p>One scheduled task per connection at a time, re-armed only when it fires early, as Netty's
 * {@code IdleStateHandler} does, so a busy connection costs no timer per message.
 */
public final class ConnectionTimeouts extends ChannelDuplexHandler {

    private enum Phase { IDLE, HEAD, BODY, ANSWERING }

    private final ConnectionStats stats;
    private final long idleNanos;
    private final long headerNanos;
    private Phase phase = Phase.IDLE;
    private boolean answered;
    private long deadline;
    private ScheduledFuture<?> timer;
    private long timerAt;

    public ConnectionTimeouts(ConnectionStats stats, long idleTimeoutMillis, long headerTimeoutMillis) {
        this.stats = stats;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.headerNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, System.nanoTime() + idleNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            phase = Phase.BODY;
            answered = false;
            extend(ctx, System.nanoTime() + idleNanos);
        }
        if (msg instanceof HttpContent && phase == Phase.BODY) {
            if (msg instanceof LastHttpContent) {
                phase = answered ? Phase.IDLE : Phase.ANSWERING;
                if (answered) {
                    extend(ctx, System.nanoTime() + idleNanos);
                } else {
                    deadline = 0;
                }
            } else {
                extend(ctx, System.nanoTime() + idleNanos);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Bytes arrived that did not complete a request head: the head has begun. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEAD;
            arm(ctx, System.nanoTime() + headerNanos);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                && response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL)) {
            answered = true;
            if (phase == Phase.ANSWERING) {
                phase = Phase.IDLE;
                arm(ctx, System.nanoTime() + idleNanos);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void arm(ChannelHandlerContext ctx, long at) {
        deadline = at;
        if (timer == null || timerAt - at > 0) {
            cancel();
            schedule(ctx, at);
        }
    }

    /** A later deadline: the pending task, if any, finds it when it fires and waits on. */
    private void extend(ChannelHandlerContext ctx, long at) {
        deadline = at;
        if (timer == null) {
            schedule(ctx, at);
        }
    }

    private void schedule(ChannelHandlerContext ctx, long at) {
        timerAt = at;
        timer = ctx.executor().schedule(() -> fire(ctx), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire(ChannelHandlerContext ctx) {
        timer = null;
        if (deadline == 0 || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (deadline - now > 0) {
            schedule(ctx, deadline);
            return;
        }
        (phase == Phase.IDLE ? stats.closedIdle : stats.closedSlow).increment();
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
