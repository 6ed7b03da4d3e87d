package org.xroadng.cli;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.JwsVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xroad bench ...}: measurements that are run by hand, never asserted in tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the hot paths on this machine.",
        subcommands = BenchCommand.Crypto.class)
final class BenchCommand {

    @Command(name = "crypto", mixinStandardHelpOptions = true,
            description = "ES256 (ECDSA P-256, SHA-256) sign and verify, raw and as JWS, with Bouncy Castle and with"
                    + " the JDK's SunEC provider, one thread each, after a warm-up.")
    static final class Crypto implements Runnable {
        private final Services services;

        @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per case (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--payload", defaultValue = "512", description = "Bytes signed per operation (default: ${DEFAULT-VALUE})")
        int payloadBytes;

        Crypto(Services services) {
            this.services = services;
        }

        /** One measured operation. */
        private interface Operation {
            void run() throws GeneralSecurityException, SigningException, JwsVerificationException;
        }

        @Override
        public void run() {
            if (seconds <= 0 || seconds > 600 || payloadBytes < 1 || payloadBytes > 10_000_000) {
                throw new UserError("--seconds must be in (0, 600] and --payload in [1, 10000000]");
            }
            Provider bc = services.provider();
            Provider jdk = Security.getProvider("SunEC");
            if (jdk == null) {
                throw new UserError("this JDK has no SunEC provider to compare with");
            }
            byte[] payload = new byte[payloadBytes];
            services.random().nextBytes(payload);
            KeyPair keys = Keys.generateP256(bc, services.random());
            JcaSigningKey bcKey = new JcaSigningKey("bench", keys.getPrivate(), keys.getPublic(), bc);
            X509Certificate cert = X509Issuer.selfSigned(new X500Name("CN=bench"), CertificateKind.MEMBER_SIGN, bcKey,
                    Duration.ofDays(1), services.clock(), services.random());
            services.out().printf("ES256 on %d-byte payloads, %.1f s per case, 1 thread, %d cores%n", payloadBytes,
                    seconds, Runtime.getRuntime().availableProcessors());
            Table table = new Table("OPERATION", "BOUNCY CASTLE ops/s", "SUNEC ops/s", "BC / SUNEC");
            try {
                for (String op : List.of("sign", "verify", "jws sign", "jws verify")) {
                    double bcRate = measure(operation(op, bc, keys, cert, payload));
                    double jdkRate = measure(operation(op, jdk, keys, cert, payload));
                    table.row(op, String.format("%,.0f", bcRate), String.format("%,.0f", jdkRate),
                            String.format("%.2fx", bcRate / jdkRate));
                }
            } catch (GeneralSecurityException | SigningException | JwsVerificationException e) {
                throw new UserError("benchmark failed: " + e.getMessage(), e);
            }
            table.print(services.out());
        }

        private Operation operation(String name, Provider provider, KeyPair keys, X509Certificate cert, byte[] payload)
                throws GeneralSecurityException, SigningException {
            Signature signer = Signature.getInstance("SHA256withECDSA", provider);
            Signature verifier = Signature.getInstance("SHA256withECDSA", provider);
            signer.initSign(keys.getPrivate());
            signer.update(payload);
            byte[] signature = signer.sign();
            JwsSigner jws = new JwsSigner(new JcaSigningKey("bench", keys.getPrivate(), keys.getPublic(), provider),
                    List.of(cert));
            String compact = jws.sign(payload);
            JwsVerifier jwsVerifier = new JwsVerifier(provider);
            return switch (name) {
                case "sign" -> () -> {
                    signer.initSign(keys.getPrivate());
                    signer.update(payload);
                    signer.sign();
                };
                case "verify" -> () -> {
                    verifier.initVerify(keys.getPublic());
                    verifier.update(payload);
                    if (!verifier.verify(signature)) {
                        throw new IllegalStateException("signature did not verify");
                    }
                };
                case "jws sign" -> () -> jws.sign(payload);
                case "jws verify" -> () -> jwsVerifier.verify(compact);
                default -> throw new IllegalArgumentException(name);
            };
        }

        /** Operations per second over the measuring time, after a warm-up of a third of it. */
        private double measure(Operation operation)
                throws GeneralSecurityException, SigningException, JwsVerificationException {
            long warmUpEnd = System.nanoTime() + (long) (seconds * 1e9 / 3);
            while (System.nanoTime() < warmUpEnd) {
                operation.run();
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long count = 0;
            long now;
            do {
                operation.run();
                count++;
                now = System.nanoTime();
            } while (now < end);
            return count / ((now - start) / 1e9);
        }
    }
}
