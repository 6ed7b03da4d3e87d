package org.xroadng.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;

/**
 * Signatures per second through a token's {@link SigningKey}, as the security server's signer makes
 * them on the hot path ({@link SigningKey#sign}: SHA-256 here, ECDSA P-256 in the token), on one or
 * more threads at once. Measured by hand ({@code xroad bench token}), never asserted.
 */
public final class TokenSignBench {

    /** Bytes signed per operation: about a message digest's JWS signing input. */
    static final int PAYLOAD_BYTES = 512;

    private TokenSignBench() {
    }

    /**
     * Signs on {@code threads} threads for {@code warmUp}, then counts signatures for
     * {@code measure}; the rate over all threads.
     */
    public static double signaturesPerSecond(SigningKey key, int threads, Duration warmUp, Duration measure)
            throws SigningException, InterruptedException {
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        run(key, payload, threads, warmUp);
        long start = System.nanoTime();
        long count = run(key, payload, threads, measure);
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static long run(SigningKey key, byte[] payload, int threads, Duration length)
            throws SigningException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + length.toNanos();
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        key.sign(payload);
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                try {
                    total += count.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SigningException signing) {
                        throw signing;
                    }
                    throw new IllegalStateException("a signing thread failed: " + e.getCause(), e.getCause());
                }
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
