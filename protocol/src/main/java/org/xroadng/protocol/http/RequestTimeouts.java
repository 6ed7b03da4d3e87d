package org.xroadng.protocol.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Right after the HTTP codec, before {@link BodyLimit}: closes a connection whose client keeps the
 * server waiting. Between requests it may idle for {@code idle}; once a request's first bytes
 * arrive, its head must be complete within {@code head} of them (a slow-loris trickling header
 * bytes is closed however steadily it sends); while its body arrives, no more than {@code idle} may
 * pass without bytes. No timer runs while the server owes the answer, from the end of a request to
 * the writing of its final (non-1xx) answer: an endpoint that takes its time is never cut off.
 *
 * <p>One scheduled task per connection at a time, pushed on (not re-scheduled) when a deadline
 * moves later, as Netty's {@code IdleStateHandler} does, so a busy connection costs no timer per
 * message.
 */
final class RequestTimeouts extends ChannelDuplexHandler {

    private enum Phase { IDLE, HEAD, BODY }

    private final long idleNanos;
    private final long headNanos;
    private Phase phase = Phase.IDLE;
    /** Requests received whole whose final answer is not yet written; no timer runs while any are. */
    private int owed;
    /** The current read ended a request, so its bytes did not begin a new head. */
    private boolean ended;
    /** When the connection is closed unless something happens first; 0 while none applies. */
    private long deadline;
    private ScheduledFuture<?> timer;
    private long timerAt;

    RequestTimeouts(Duration idle, Duration head) {
        this.idleNanos = idle.toNanos();
        this.headNanos = head.toNanos();
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
        }
        if (msg instanceof LastHttpContent && phase == Phase.BODY) {
            phase = Phase.IDLE;
            ended = true;
            owed++;
            deadline = 0;
        } else if (phase == Phase.BODY && owed == 0) {
            later(ctx, System.nanoTime() + idleNanos);
        }
        ctx.fireChannelRead(msg);
    }

    /** Bytes arrived between requests that did not complete a request head: the head has begun. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (phase == Phase.IDLE && owed == 0 && !ended) {
            phase = Phase.HEAD;
            arm(ctx, System.nanoTime() + headNanos);
        }
        ended = false;
        ctx.fireChannelReadComplete();
    }

    /** A final answer settles the oldest request owed; when none is left, the clock runs again. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && owed > 0 && !(msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            owed--;
            if (owed == 0 && phase != Phase.HEAD) {
                later(ctx, System.nanoTime() + idleNanos);
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

    /** A deadline that may be earlier than the pending task's. */
    private void arm(ChannelHandlerContext ctx, long at) {
        deadline = at;
        if (timer == null || timerAt - at > 0) {
            cancel();
            schedule(ctx, at);
        }
    }

    /** A later deadline: the pending task, if any, finds it when it fires and waits on. */
    private void later(ChannelHandlerContext ctx, long at) {
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
        if (deadline - System.nanoTime() > 0) {
            schedule(ctx, deadline);
            return;
        }
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
