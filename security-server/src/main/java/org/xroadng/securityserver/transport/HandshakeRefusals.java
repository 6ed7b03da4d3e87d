package org.xroadng.securityserver.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/**
 * Right after a TLS listener's {@code SslHandler}: reports a failed handshake once to the
 * {@link TlsRefusalLog} (not a peer that merely went away before finishing it) and closes the connection; the TLS exception that follows it is swallowed
 * here, so no later handler logs it again (and nothing prints its stack trace). Stateless, shared
 * by all connections of a listener.
 */
@ChannelHandler.Sharable
public final class HandshakeRefusals extends ChannelInboundHandlerAdapter {

    private final TlsRefusalLog log;

    public HandshakeRefusals(TlsRefusalLog log) {
        this.log = log;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            if (!(handshake.cause() instanceof ClosedChannelException)) {
                log.refused(ctx.channel().remoteAddress(), handshake.cause());
            }
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
