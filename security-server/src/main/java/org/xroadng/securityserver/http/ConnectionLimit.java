package org.xroadng.securityserver.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of a proxy connection's pipeline, before TLS and HTTP: counts the listener's open
 * connections and closes a new one at once, without reading from it, when {@code max} are already
 * open. A refused connection never reaches the later handlers, so it costs no TLS handshake, no
 * timer and no buffer. One instance per connection, sharing the listener's {@link ConnectionStats}.
 */
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private final ConnectionStats stats;
    private final int max;
    private boolean counted;

    public ConnectionLimit(ConnectionStats stats, int max) {
        this.stats = stats;
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (stats.open.incrementAndGet() > max) {
            stats.open.decrementAndGet();
            stats.refused.increment();
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
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            counted = false;
            stats.open.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }
}
