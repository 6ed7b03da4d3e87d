package org.xroadng.securityserver.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;

/**
 * HTTP/1.1 over mutually authenticated TLS 1.3 to other security servers' server proxies.
 * Connections are kept alive and pooled per peer address by the JDK client, so a handshake happens
 * once per connection, not per message; requests are asynchronous and never block the caller.
 * Redirects are never followed.
 */
public final class PeerClient {

    private final HttpClient client;

    public PeerClient(X509KeyManager authKeyManager, AuthCertificateTrustManager trustManager, SecureRandom random,
                      Executor executor, Duration connectTimeout) {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(new KeyManager[] {authKeyManager}, new TrustManager[] {trustManager}, random);
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            this.client = HttpClient.newBuilder()
                    .sslContext(context)
                    .sslParameters(parameters)
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(connectTimeout)
                    .executor(executor)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is not available", e);
        }
    }

    /** Sends to {@code https://address/...}; the future fails on connection or TLS errors. */
    public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    public static URI uri(String address, String pathAndQuery) {
        return URI.create("https://" + address + pathAndQuery);
    }
}
