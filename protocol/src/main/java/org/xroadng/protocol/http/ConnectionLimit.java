package org.xroadng.protocol.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of a connection's pipeline, before TLS and HTTP: counts the server's open
 * connections and closes a new one at once, before reading from it, when {@code max} are already
 * open. A refused connection costs no TLS handshake, no timer and no buffer. One instance per
 * connection, all sharing the server's counter.
 */
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private final AtomicInteger open;
    private final int max;
    private boolean counted;

    ConnectionLimit(AtomicInteger open, int max) {
        this.open = open;
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            ctx.close();
            return;
        }
        counted = true;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (counted) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            open.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }
}
