package org.xroadng.securityserver.serverproxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.http.BodyBudgetGuard;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.http.Reservation;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * Last handler of the server proxy pipeline (ConnectionLimit, SslHandler, HandshakeRefusals,
 * HttpServerCodec, ConnectionTimeouts, HttpServerKeepAliveHandler, BodyBudgetGuard, LimitedAggregator,
 * this): refuses requests the HTTP decoder could not read, names the peer server from its TLS
 * certificate (already checked by {@link AuthCertificateTrustManager} during the handshake, in a
 * delegated task off the event loop), copies the request out of Netty's buffers and hands it to {@link ServerProxyService}. The checks
 * and signatures are CPU work without blocking I/O, so they run here on the event loop: a hop to
 * another thread costs more than the work itself.
 */
final class ServerProxyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerProxyHandler.class);
    private static final AttributeKey<X509Certificate> PEER = AttributeKey.valueOf("xroad.peerCertificate");

    private final ServerProxyService service;
    private final GlobalConfHolder globalConf;
    ServerProxyHandler(ServerProxyService service, GlobalConfHolder globalConf) {
        this.service = service;
        this.globalConf = globalConf;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        IncomingRequest incoming;
        SecurityServerId peer;
        Reservation reservation = reservation(ctx);
        if (request.decoderResult().isFailure()) {
            // The decoder has stopped reading this connection: answer, then close it.
            Responses.write(ctx, Responses.error(new ExchangeException(ErrorType.CLIENT_BAD_REQUEST,
                    "the request is not valid HTTP/1.1: " + request.decoderResult().cause().getMessage()), null), false)
                    .addListener(written -> reservation.close());
            return;
        }
        try {
            X509Certificate certificate = peerCertificate(ctx);
            incoming = IncomingRequest.of(request, certificate, reservation);
            GlobalConfiguration conf = globalConf.current(ErrorType.SERVER_PROXY_OUTDATED_GLOBAL_CONF).configuration();
            peer = peerServer(ctx, certificate, conf);
        } catch (ExchangeException e) {
            Responses.write(ctx, Responses.error(e, null), false).addListener(written -> reservation.close());
            return;
        }
        // The exchange owns its reservation: given back once its answer is written, or cannot be.
        service.handle(incoming, peer).thenAccept(response -> Responses.write(ctx, response, incoming.keepAlive())
                .addListener(written -> reservation.close()));
    }

    /** The peer's registered server, looked up once per connection and configuration version. */
    private record Peer(long version, SecurityServerId id) {
    }

    private static final AttributeKey<Peer> PEER_SERVER = AttributeKey.valueOf("xroad.peerServer");

    private static SecurityServerId peerServer(ChannelHandlerContext ctx, X509Certificate certificate,
                                               GlobalConfiguration conf) throws ExchangeException {
        Peer known = ctx.channel().attr(PEER_SERVER).get();
        if (known != null && known.version() == conf.version()) {
            return known.id();
        }
        SecurityServerId id = conf.serverWithAuthCertificate(AuthCertificateTrustManager.hash(certificate))
                .orElseThrow(() -> new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_MEMBER,
                        "the peer's authentication certificate is no longer registered"))
                .id();
        ctx.channel().attr(PEER_SERVER).set(new Peer(conf.version(), id));
        return id;
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
            throw new ExchangeException(ErrorType.SERVER_PROXY_UNKNOWN_MEMBER, "the peer presented no certificate");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("server proxy connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static Reservation reservation(ChannelHandlerContext ctx) {
        Reservation reservation = ctx.channel().attr(BodyBudgetGuard.RESERVATION).get();
        return reservation == null ? Reservation.NONE : reservation;
    }
}
