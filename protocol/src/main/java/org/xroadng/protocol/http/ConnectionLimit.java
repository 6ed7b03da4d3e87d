package org.xroadng.protocol.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * First handler of a connection's pipeline, before TLS and HTTP: counts the server's open
 * connections and closes a new one at once, before reading from it, when {@code max} are already
 * open. A refused connection costs no TLS handshake, no timer and no buffer. One instance per
 * connection, all sharing the server's counter. (The security server's proxies use it too, with
 * {@code refused} counting for their metrics.)
 */
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private final AtomicInteger open;
    private final int max;
    private final Runnable refused;
    private boolean counted;

    /** @param refused told of each connection closed for the limit */
    public ConnectionLimit(AtomicInteger open, int max, Runnable refused) {
        this.open = open;
        this.max = max;
        this.refused = refused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.run();
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
