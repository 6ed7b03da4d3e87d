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
 *
 * <p>Pools only move forward: a request prepared under an older configuration version than the
 * pool's (it began just before the server took up the new one) goes on the newer pool rather than
 * bringing back the old one. A request that was waiting for a connection of a pool when a newer one
 * replaced it was never sent: it goes on the newer pool, within what is left of its time, instead
 * of failing.
 */
public final class PeerClient implements AutoCloseable {

    /**
     * A connection pool, the peer-trust fingerprint its connections were authenticated under, the
     * configuration version that started it and the {@link #authKeyChanged} count when they were opened.
     */
    record Pool(String fingerprint, long configurationVersion, long authKeyEpoch, HttpExchangeClient client) {

        /**
         * Whether a request under {@code trustFingerprint} of configuration {@code version} goes on
         * this pool, {@code epoch} being the current {@link #authKeyChanged} count: when the pool
         * presents the current key and trusts as the request's configuration does, or as a newer
         * one does.
         */
        boolean serves(String trustFingerprint, long version, long epoch) {
            return authKeyEpoch == epoch && (fingerprint.equals(trustFingerprint) || version < configurationVersion);
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
    private volatile boolean closed;

    public PeerClient(X509KeyManager authKeyManager, AuthCertificateTrustManager trustManager, EventLoopGroup loops,
                      Executor tlsTasks, int maxResponseBytes, Duration connectTimeout) {
        this.authKeyManager = authKeyManager;
        this.trustManager = trustManager;
        this.loops = loops;
        this.tlsTasks = tlsTasks;
        this.maxResponseBytes = maxResponseBytes;
        this.connectTimeout = connectTimeout;
    }

    /**
     * Sends to the server proxy at {@code address} ({@code host:port}) over a connection trusted
     * under {@code trustFingerprint}, the peer-trust fingerprint of configuration {@code version}.
     */
    public CompletableFuture<HttpExchangeClient.Answer> send(String address, HttpExchangeClient.Request request,
                                                             Duration timeout, String trustFingerprint, long version) {
        return send(address, request, timeout, trustFingerprint, version, Reservation.NONE);
    }

    /** As {@link #send(String, HttpExchangeClient.Request, Duration, String, long)}, the answer's body held in {@code reservation}. */
    public CompletableFuture<HttpExchangeClient.Answer> send(String address, HttpExchangeClient.Request request,
                                                             Duration timeout, String trustFingerprint, long version,
                                                             Reservation reservation) {
        InetSocketAddress to = socketAddress(address);
        long deadline = System.nanoTime() + timeout.toNanos();
        Pool used = poolFor(trustFingerprint, version);
        return used.client().send(to, request, timeout, reservation)
                .exceptionallyCompose(failure -> sentAgain(used, to, request, deadline, reservation, failure));
    }

    /**
     * A request that failed unsent because its pool was closed meanwhile, by a newer pool taking
     * over, goes on the pool in use now with what is left of its time; any other failure stands.
     */
    private CompletableFuture<HttpExchangeClient.Answer> sentAgain(Pool closedPool, InetSocketAddress to,
                                                                   HttpExchangeClient.Request request, long deadline,
                                                                   Reservation reservation, Throwable failure) {
        Pool now = pool;
        long left = deadline - System.nanoTime();
        if (now == closedPool || closed || left <= 0 || !HttpExchangeClient.ClientClosedException.isCause(failure)) {
            return CompletableFuture.failedFuture(failure);
        }
        return now.client().send(to, request, Duration.ofNanos(left), reservation)
                .exceptionallyCompose(again -> sentAgain(now, to, request, deadline, reservation, again));
    }

    /** The pool a request under {@code trustFingerprint} of configuration {@code version} goes on, started if need be. */
    private Pool poolFor(String trustFingerprint, long version) {
        Pool current = pool;
        long epoch = authKeyEpoch;
        if (current != null && current.serves(trustFingerprint, version, epoch)) {
            return current;
        }
        synchronized (this) {
            current = pool;
            epoch = authKeyEpoch;
            if (closed && current != null) {
                return current; // closed: its send fails at once, and no new pool outlives the client
            }
            if (current == null || !current.serves(trustFingerprint, version, epoch)) {
                Pool old = current;
                current = new Pool(trustFingerprint, version, epoch, new HttpExchangeClient(loops, newTlsContext(),
                        tlsTasks, false, maxResponseBytes, connectTimeout));
                pool = current;
                if (old != null) {
                    old.client().close();
                }
            }
            return current;
        }
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
        closed = true;
        if (pool != null) {
            pool.client().close();
        }
    }
}
