package org.xroadng.securityserver.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;
import org.xroadng.securityserver.http.Reservation;

/**
 * HTTP/1.1 over mutually authenticated TLS 1.3 to other security servers' server proxies, with the
 * server's authentication key. Connections are pooled per peer address, so a handshake happens
 * once per connection, not per message. When the global configuration changes whom to trust (its
 * peer-trust fingerprint), a new pool is started and the old one closed, so every peer is
 * authenticated again under the new configuration. Likewise when this server starts presenting
 * another authentication certificate ({@link #authKeyChanged}): connections opened with the old one
 * would go on carrying it, under load for ever, and its peers refuse it once it is withdrawn.
 */
public final class PeerClient implements AutoCloseable {

    /**
     * A connection pool, the peer-trust fingerprint its connections were authenticated under and
     * the {@link #authKeyChanged} count when they were opened.
     */
    private record Pool(String fingerprint, long authKeyEpoch, HttpExchangeClient client) {

        boolean serves(String trustFingerprint, long epoch) {
            return fingerprint.equals(trustFingerprint) && authKeyEpoch == epoch;
        }
    }

    private final X509KeyManager authKeyManager;
    private final AuthCertificateTrustManager trustManager;
    private final EventLoopGroup loops;
    private final Executor tlsTasks;
    private final int maxResponseBytes;
    private final Duration connectTimeout;
    private volatile Pool pool;
    private volatile long authKeyEpoch;

    public PeerClient(X509KeyManager authKeyManager, AuthCertificateTrustManager trustManager, EventLoopGroup loops,
                      Executor tlsTasks, int maxResponseBytes, Duration connectTimeout) {
        this.authKeyManager = authKeyManager;
        this.trustManager = trustManager;
        this.loops = loops;
        this.tlsTasks = tlsTasks;
        this.maxResponseBytes = maxResponseBytes;
        this.connectTimeout = connectTimeout;
    }

    /** Sends to the server proxy at {@code address} ({@code host:port}) over a connection trusted under {@code trustFingerprint}. */
    public CompletableFuture<HttpExchangeClient.Answer> send(String address, HttpExchangeClient.Request request,
                                                             Duration timeout, String trustFingerprint) {
        return send(address, request, timeout, trustFingerprint, Reservation.NONE);
    }

    /** As {@link #send(String, HttpExchangeClient.Request, Duration, String)}, the answer's body held in {@code reservation}. */
    public CompletableFuture<HttpExchangeClient.Answer> send(String address, HttpExchangeClient.Request request,
                                                             Duration timeout, String trustFingerprint,
                                                             Reservation reservation) {
        Pool current = pool;
        long epoch = authKeyEpoch;
        if (current == null || !current.serves(trustFingerprint, epoch)) {
            synchronized (this) {
                current = pool;
                epoch = authKeyEpoch;
                if (current == null || !current.serves(trustFingerprint, epoch)) {
                    Pool old = current;
                    current = new Pool(trustFingerprint, epoch, new HttpExchangeClient(loops, newTlsContext(), tlsTasks,
                            false, maxResponseBytes, connectTimeout));
                    pool = current;
                    if (old != null) {
                        old.client().close();
                    }
                }
            }
        }
        return current.client().send(socketAddress(address), request, timeout, reservation);
    }

    /**
     * This server presents another authentication certificate from now on: the next request opens
     * new connections (in a new pool, whose handshakes present it) and the open ones are closed as
     * their exchanges end, the idle ones at once.
     */
    public synchronized void authKeyChanged() {
        authKeyEpoch++;
    }

    /**
     * A TLS context per trust epoch and authentication key: its session cache must not let a new
     * connection resume a session authenticated under the previous configuration, skipping the
     * certificate checks, or under the previous key, presenting the old certificate again.
     */
    private SslContext newTlsContext() {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(authKeyManager)
                    .trustManager(trustManager)
                    .protocols("TLSv1.3")
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS 1.3 is not available: " + e.getMessage(), e);
        }
    }

    static InetSocketAddress socketAddress(String address) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(address.substring(colon + 1)));
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.client().close();
        }
    }
}
