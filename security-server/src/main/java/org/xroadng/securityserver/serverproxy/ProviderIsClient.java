package org.xroadng.securityserver.serverproxy;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.http.BudgetExceededException;
import org.xroadng.securityserver.http.Reservation;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * Calls the provider's information system: asynchronously, over kept-alive connections, with the
 * service's timeout, never following redirects (a 3xx goes back to the consumer as it is). An
 * {@code https} service URL is checked against the JDK's trusted CAs and the host name.
 */
public final class ProviderIsClient implements AutoCloseable {

    private final HttpExchangeClient plain;
    private final HttpExchangeClient tls;

    public ProviderIsClient(EventLoopGroup loops, Executor tlsTasks, int maxResponseBytes) {
        this.plain = new HttpExchangeClient(loops, null, tlsTasks, false, maxResponseBytes, Duration.ofSeconds(10));
        try {
            this.tls = new HttpExchangeClient(loops, SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build(),
                    tlsTasks, true, maxResponseBytes, Duration.ofSeconds(10));
        } catch (SSLException e) {
            throw new IllegalStateException("TLS is not available: " + e.getMessage(), e);
        }
    }

    /**
     * The IS's answer, its body held in {@code reservation}; fails with an {@link ExchangeException}
     * of ServiceTimeout, ServiceFailed or Overloaded (the server's body budget cannot hold the answer).
     */
    public CompletableFuture<HttpExchangeClient.Answer> call(LocalService service, String method, String pathAndQuery,
                                                             List<Map.Entry<String, String>> headers, byte[] body,
                                                             Reservation reservation) {
        URI base = service.url();
        boolean https = "https".equals(base.getScheme());
        int port = base.getPort() > 0 ? base.getPort() : https ? 443 : 80;
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/") && pathAndQuery.startsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String target = basePath + pathAndQuery;
        if (target.isEmpty() || target.startsWith("?")) {
            target = "/" + target;
        }
        InetSocketAddress address = InetSocketAddress.createUnresolved(base.getHost(), port);
        return (https ? tls : plain).send(address, new HttpExchangeClient.Request(method, target, headers, body),
                        service.timeout(), reservation)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(service, e)));
    }

    private static ExchangeException failure(LocalService service, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof org.xroadng.securityserver.transport.RequestNotSentException && cause.getCause() != null) {
            cause = cause.getCause(); // what kept it from being sent says more
        }
        if (cause instanceof BudgetExceededException) {
            return new ExchangeException(ErrorType.SERVER_PROXY_OVERLOADED, "the answer of the provider's information"
                    + " system for " + service.id().format() + " cannot be received now: " + cause.getMessage()
                    + "; try again shortly");
        }
        if (cause instanceof TimeoutException) {
            return new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_TIMEOUT, "the provider's information system"
                    + " did not answer " + service.id().format() + " within " + service.timeout().toSeconds() + " s");
        }
        // The answer goes to another organisation's information system: what happened, never a Java class name.
        String why = cause instanceof ConnectException ? "connection refused"
                : cause.getMessage() == null || cause.getMessage().isBlank() ? "the connection failed"
                : cause.getMessage();
        URI url = service.url();
        return new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system for "
                + service.id().format() + " at " + url.getScheme() + "://" + url.getAuthority() + " failed: " + why);
    }

    @Override
    public void close() {
        plain.close();
        tls.close();
    }
}
