package org.xroadng.securityserver.serverproxy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeException;
import org.xroadng.securityserver.conf.LocalService;

/**
 * Calls the provider's information system: asynchronously, over kept-alive connections, with the
 * service's timeout, never following redirects (a 3xx goes back to the consumer as it is).
 */
public final class ProviderIsClient {

    private final HttpClient client;

    public ProviderIsClient(Executor executor) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    /** The IS's answer; fails with an {@link ExchangeException} of ServiceTimeout or ServiceFailed. */
    public CompletableFuture<HttpResponse<byte[]>> call(LocalService service, String method, String pathAndQuery,
                                                         List<Map.Entry<String, String>> headers, byte[] body) {
        URI uri = target(service.url(), pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(service.timeout())
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, String> header : headers) {
            request.header(header.getKey(), header.getValue());
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(service, uri, e)));
    }

    private static ExchangeException failure(LocalService service, URI uri, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HttpTimeoutException) {
            return new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_TIMEOUT, "the provider's information system"
                    + " did not answer " + service.id().format() + " within " + service.timeout().toSeconds() + " s");
        }
        String why = cause instanceof ConnectException ? "connection refused" : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new ExchangeException(ErrorType.SERVER_PROXY_SERVICE_FAILED, "the provider's information system for "
                + service.id().format() + " at " + uri.getScheme() + "://" + uri.getAuthority() + " failed: " + why);
    }

    private static URI target(URI base, String pathAndQuery) {
        String text = base.toString();
        if (text.endsWith("/") && pathAndQuery.startsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + pathAndQuery);
    }
}
