package org.xroadng.securityserver.clientproxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.Responses;
import org.xroadng.securityserver.http.BodyBudgetGuard;
import org.xroadng.securityserver.http.IncomingRequest;
import org.xroadng.securityserver.http.Reservation;
import org.xroadng.securityserver.metadata.ListClients;
import org.xroadng.securityserver.soap.SoapClientProxy;
import org.xroadng.protocol.XRoadHeaders;

/**
 * Last handler of the client proxy pipeline (ConnectionLimit, [SslHandler,] HttpServerCodec,
 * ConnectionTimeouts, HttpServerKeepAliveHandler, BodyBudgetGuard, {@link org.xroadng.securityserver.http.LimitedAggregator}, this): refuses requests the HTTP decoder could not read, copies the
 * request out of Netty's buffers and hands it to {@link ClientProxyService}, which validates and
 * signs here on the event loop (CPU work without blocking I/O; a thread hop would cost more) and
 * completes asynchronously when the provider has answered. The one request that is no exchange,
 * {@code listClients}, is answered by {@link ListClients} from the global configuration; a POST
 * outside {@code /r1/} is a SOAP message ({@link SoapClientProxy}), answered in SOAP.
 */
final class ClientProxyHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ClientProxyHandler.class);

    private final ClientProxyService service;
    private final ListClients listClients;
    private final SoapClientProxy soap;

    ClientProxyHandler(ClientProxyService service, ListClients listClients) {
        this.service = service;
        this.listClients = listClients;
        this.soap = new SoapClientProxy(service);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Responses.write(ctx, Responses.error(new ExchangeException(ErrorType.CLIENT_BAD_REQUEST,
                    "the request is not valid HTTP/1.1: " + request.decoderResult().cause().getMessage()), null,
                    request.headers().get("Accept")), false);
            return;
        }
        IncomingRequest incoming = IncomingRequest.of(request, isCertificate(ctx), reservation(ctx));
        // The exchange owns its reservation: given back once its answer is written, or cannot be.
        answer(incoming).thenAccept(response -> Responses.write(ctx, response, incoming.keepAlive())
                .addListener(written -> incoming.reservation().close()));
    }

    private static X509Certificate isCertificate(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            return (X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The answer to one request: listClients, a SOAP message, or a REST exchange. */
    private CompletableFuture<FullHttpResponse> answer(IncomingRequest incoming) {
        if (ListClients.matches(incoming.target())) {
            return CompletableFuture.completedFuture(listClients.answer(incoming));
        }
        if (SoapClientProxy.matches(incoming)) {
            return soap.handle(incoming);
        }
        if (incoming.header(XRoadHeaders.SOAP).isPresent()) {
            return CompletableFuture.completedFuture(Responses.error(new ExchangeException(
                    ErrorType.CLIENT_INVALID_HEADER, XRoadHeaders.SOAP + " is set by the security server for SOAP"
                    + " messages; a REST request must not carry it"), null, incoming.header("Accept").orElse(null)));
        }
        return service.handle(incoming);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client proxy connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static Reservation reservation(ChannelHandlerContext ctx) {
        Reservation reservation = ctx.channel().attr(BodyBudgetGuard.RESERVATION).get();
        return reservation == null ? Reservation.NONE : reservation;
    }
}
