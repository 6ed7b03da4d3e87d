package org.xroadng.securityserver.serverproxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * Last handler of the server proxy pipeline (SslHandler, HttpServerCodec, HttpObjectAggregator,
 * this): names the peer server from its TLS certificate (already checked by
 * {@link AuthCertificateTrustManager} during the handshake), copies the request out of Netty's
 * buffers and hands it to {@link ServerProxyService} on a worker, so no check or signature runs
 * on the event loop.
 */
final class ServerProxyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProxyHandler.class);
    private static final AttributeKey<X509Certificate> PEER = AttributeKey.valueOf("xroad.peerCertificate");

    private final ServerProxyService service;
    private final GlobalConfHolder globalConf;
    private final Executor workers;

    ServerProxyHandler(ServerProxyService service, GlobalConfHolder globalConf, Executor workers) {
        this.service = service;
        this.globalConf = globalConf;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        IncomingRequest incoming;
        SecurityServerId peer;
        try {
            X509Certificate certificate = peerCertificate(ctx);
            incoming = IncomingRequest.of(request, certificate);
            GlobalConfiguration conf = globalConf.current(ErrorType.SERVER_PROXY_GLOBAL_CONF_EXPIRED).configuration();
            peer = conf.serverWithAuthCertificate(AuthCertificateTrustManager.hash(certificate))
                    .orElseThrow(() -> new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_CLIENT,
                            "the peer's authentication certificate is no longer registered"))
                    .id();
        } catch (ExchangeException e) {
            Responses.write(ctx, Responses.error(e, null), false);
            return;
        }
        try {
            workers.execute(() -> service.handle(incoming, peer)
                    .thenAccept(response -> Responses.write(ctx, response, incoming.keepAlive())));
        } catch (RejectedExecutionException e) {
            Responses.write(ctx, Responses.error(new ExchangeException(ErrorType.SERVER_PROXY_INTERNAL_ERROR,
                    "the provider's security server is shutting down"), null), false);
        }
    }

    private static X509Certificate peerCertificate(ChannelHandlerContext ctx) throws ExchangeException {
        X509Certificate known = ctx.channel().attr(PEER).get();
        if (known != null) {
            return known;
        }
        try {
            X509Certificate certificate = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession()
                    .getPeerCertificates()[0];
            ctx.channel().attr(PEER).set(certificate);
            return certificate;
        } catch (SSLPeerUnverifiedException e) {
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_CLIENT, "the peer presented no certificate");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("server proxy connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
