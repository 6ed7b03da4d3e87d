package org.xroadng.protocol.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Right after the HTTP codec of a connection (the control plane's {@link HttpApiServer} and the
 * security server's proxies): closes the connection when the client keeps
 * the server waiting. Between exchanges it may idle for {@code idleTimeout}; once a request's first
 * bytes arrive its head must be complete within {@code headerTimeout} (a slow-loris never finishing
 * its headers is closed); while its body arrives, no more than {@code idleTimeout} may pass without
 * bytes. No timer runs while the server owes an answer (from the end of a request to its final
 * response, written by a later handler; pipelined requests are counted, so a request that arrived
 * while an earlier one was answered is owed too): a provider working within its service timeout is
 * never cut off. Writing an answer counts as activity while its bytes drain: the idle time starts
 * when the last answer is on the wire, and a reader that takes nothing for {@code idleTimeout} is
 * closed as slow. Informational (1xx) answers do not end an exchange.
 *
 * <p>One scheduled task per connection at a time, re-armed only when it fires early, as Netty's
 * {@code IdleStateHandler} does, so a busy connection costs no timer per message.
 */
public final class ConnectionTimeouts extends ChannelDuplexHandler {

    /** Told of each connection this handler closes, for metrics. */
    public interface Closes {
        Closes NONE = new Closes() {
        };

        /** Closed between exchanges, idle for the idle timeout. */
        default void idle() {
        }

        /** Closed while a request head, a body or an answer's draining made no progress in time. */
        default void slow() {
        }
    }

    private final Closes closes;
    private final long idleNanos;
    private final long headerNanos;
    /** A request's head arrived and its last content has not. */
    private boolean receiving;
    /** The request being received was answered before its end arrived (a 413 or a refusal). */
    private boolean answeredEarly;
    /** Requests received in full and not answered yet. */
    private int owed;
    /** Final answers written and not yet on the wire. */
    private int writing;
    /** Something was decoded in the current read. */
    private boolean decoded;
    /** A head has begun: bytes arrived that decoded into nothing. */
    private boolean headBegun;
    private long deadline;
    private long pendingBytesSeen = -1;
    private ScheduledFuture<?> timer;
    private long timerAt;

    public ConnectionTimeouts(Duration idleTimeout, Duration headerTimeout, Closes closes) {
        this.closes = closes;
        this.idleNanos = idleTimeout.toNanos();
        this.headerNanos = headerTimeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx, System.nanoTime() + idleNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        decoded = true;
        if (msg instanceof HttpRequest) {
            receiving = true;
            answeredEarly = false;
            headBegun = false;
        }
        if (msg instanceof HttpContent && receiving && msg instanceof LastHttpContent) {
            receiving = false;
            if (!answeredEarly) {
                owed++;
            }
        }
        settle(ctx);
        ctx.fireChannelRead(msg);
    }

    /** Bytes arrived that decoded into nothing while nothing else was going on: a request head has begun. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!decoded && !receiving && owed == 0 && writing == 0 && !headBegun) {
            headBegun = true;
            arm(ctx, System.nanoTime() + headerNanos);
        }
        decoded = false;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            if (owed > 0) {
                owed--;
            } else if (receiving) {
                answeredEarly = true;
            }
            writing++;
            promise.addListener(done -> {
                writing--;
                settle(ctx);
            });
            settle(ctx);
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

    /** Sets the deadline the connection's state calls for after an event. */
    private void settle(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (receiving || writing > 0) {
            pendingBytesSeen = -1;
            extend(ctx, now + idleNanos); // body bytes must keep coming; answer bytes must keep leaving
        } else if (owed > 0) {
            deadline = 0; // the server owes an answer: no timer
        } else if (!headBegun) {
            arm(ctx, now + idleNanos);
        }
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
        if (writing > 0 && !receiving) {
            // An answer is draining: close only when the reader took nothing for a whole idle period.
            ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
            long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
            if (pending != pendingBytesSeen) {
                pendingBytesSeen = pending;
                deadline = now + idleNanos;
                schedule(ctx, deadline);
                return;
            }
        }
        if (owed == 0 && !receiving && writing == 0 && !headBegun) {
            closes.idle();
        } else {
            closes.slow();
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
