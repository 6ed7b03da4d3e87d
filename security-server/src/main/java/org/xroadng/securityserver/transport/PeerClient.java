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

    /** A connection pool and the peer-trust fingerprint its connections were authenticated under. */
    private record Pool(String fingerprint, HttpClient client) {
    }

    private final X509KeyManager authKeyManager;
    private final AuthCertificateTrustManager trustManager;
    private final SecureRandom random;
    private final Executor executor;
    private final Duration connectTimeout;
    private volatile Pool pool;

    public PeerClient(X509KeyManager authKeyManager, AuthCertificateTrustManager trustManager, SecureRandom random,
                      Executor executor, Duration connectTimeout) {
        this.authKeyManager = authKeyManager;
        this.trustManager = trustManager;
        this.random = random;
        this.executor = executor;
        this.connectTimeout = connectTimeout;
    }

    /** Sends with the trust of the current configuration; the future fails on connection or TLS errors. */
    public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return send(request, "");
    }

    /**
     * Sends to {@code https://address/...} over a connection authenticated under {@code trustFingerprint};
     * when the fingerprint changes, a new pool is started, so every peer is authenticated again.
     */
    public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request, String trustFingerprint) {
        Pool current = pool;
        if (current == null || !current.fingerprint().equals(trustFingerprint)) {
            synchronized (this) {
                current = pool;
                if (current == null || !current.fingerprint().equals(trustFingerprint)) {
                    current = new Pool(trustFingerprint, newClient());
                    pool = current;
                }
            }
        }
        return current.client().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpClient newClient() {
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(new KeyManager[] {authKeyManager}, new TrustManager[] {trustManager}, random);
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.3"});
            return HttpClient.newBuilder()
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

    public static URI uri(String address, String pathAndQuery) {
        return URI.create("https://" + address + pathAndQuery);
    }
}
