package org.xroadng.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.protocol.jws.SigningException;

/**
 * What one ES256 signature and one verification cost on this JVM, in CPU microseconds of one
 * thread, made as the security servers make them: {@link JcaSigningKey#sign} (JDK SHA-256, then the
 * provider's raw ECDSA) and {@link JwsVerifier#verify} of a compact JWS whose header it has seen
 * before (as it has a peer's after the first message).
 *
 * <p>Every exchange costs {@value #SIGNATURES_PER_EXCHANGE} signatures and
 * {@value #VERIFICATIONS_PER_EXCHANGE} verifications (DESIGN.md section 6): the consumer's server
 * signs the request, the provider's verifies it and signs the response, the consumer's verifies
 * that. So no number of cores can carry more than {@link #ceiling} exchanges per second, whatever
 * else the servers do.
 */
public record EcdsaCost(double signMicros, double verifyMicros) {

    public static final int SIGNATURES_PER_EXCHANGE = 2;
    public static final int VERIFICATIONS_PER_EXCHANGE = 2;

    /** Bytes signed per operation: about a message digest's JWS signing input. */
    static final int PAYLOAD_BYTES = 512;

    public EcdsaCost {
        if (!(signMicros > 0) || !(verifyMicros > 0)) {
            throw new IllegalArgumentException("costs must be positive: sign " + signMicros + " µs, verify "
                    + verifyMicros + " µs");
        }
    }

    /** The CPU microseconds of one exchange's signatures and verifications. */
    public double exchangeMicros() {
        return SIGNATURES_PER_EXCHANGE * signMicros + VERIFICATIONS_PER_EXCHANGE * verifyMicros;
    }

    /** Exchanges per second that {@code cores} could carry if the servers did nothing but ECDSA. */
    public double ceiling(int cores) {
        return cores * 1e6 / exchangeMicros();
    }

    /**
     * Measures both on the calling thread: {@code warmUp} of each (so the JIT has compiled them),
     * then {@code measure} of each.
     */
    public static EcdsaCost measure(Provider provider, SecureRandom random, Clock clock, Duration warmUp,
                                    Duration measure) throws SigningException, JwsVerificationException {
        KeyPair keys = Keys.generateP256(provider, random);
        JcaSigningKey key = new JcaSigningKey("bench", keys.getPrivate(), keys.getPublic(), provider);
        X509Certificate certificate = X509Issuer.selfSigned(new X500Name("CN=bench"), CertificateKind.MEMBER_SIGN, key,
                Duration.ofDays(1), clock, random);
        byte[] payload = new byte[PAYLOAD_BYTES];
        random.nextBytes(payload);
        String jws = new JwsSigner(key, List.of(certificate)).sign(payload);
        JwsVerifier verifier = new JwsVerifier(provider);
        Operation sign = () -> key.sign(payload);
        Operation verify = () -> verifier.verify(jws);
        run(sign, warmUp);
        double signMicros = run(sign, measure);
        run(verify, warmUp);
        double verifyMicros = run(verify, measure);
        return new EcdsaCost(signMicros, verifyMicros);
    }

    private interface Operation {
        void run() throws SigningException, JwsVerificationException;
    }

    /**
     * Runs the operation for {@code length} of wall time; answers the calling thread's CPU time per
     * operation in microseconds (its wall time where the JVM cannot tell CPU time), so other
     * processes taking the cores meanwhile do not inflate the cost.
     */
    private static double run(Operation operation, Duration length) throws SigningException, JwsVerificationException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        long startCpu = cpu ? threads.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long count = 0;
        long now;
        do {
            operation.run();
            count++;
            now = System.nanoTime();
        } while (now - end < 0);
        long used = cpu ? threads.getCurrentThreadCpuTime() - startCpu : now - start;
        return used / 1e3 / count;
    }
}
