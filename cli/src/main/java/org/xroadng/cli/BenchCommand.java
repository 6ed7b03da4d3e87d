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
        subcommands = {BenchCommand.Crypto.class, BenchCommand.Exchange.class, BenchCommand.Soak.class,
                BenchCommand.AccessLogCase.class})
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

    @Command(name = "exchange", mixinStandardHelpOptions = true,
            description = "Signed, logged exchanges per second: starts the demo network in a temporary directory with a"
                    + " trivial provider IS, drives C keep-alive clients through consumer server -> provider server ->"
                    + " IS for N seconds, then the same load straight to the IS, and prints requests/s and latency"
                    + " percentiles; with the message log on and off, in one run. Run with JAVA_OPTS=-Xmx256m to hold"
                    + " the servers to a 256 MB heap.")
    static final class Exchange implements Runnable {
        private final Services services;

        @Option(names = {"-c", "--connections"}, defaultValue = "32", description = "Concurrent keep-alive clients (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = {"-d", "--seconds"}, defaultValue = "10", description = "Measuring time per run (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds before measuring (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--message-log", negatable = true, defaultValue = "true",
                description = "Also measure with the servers' message and access logs on, in the same run"
                        + " (default: ${DEFAULT-VALUE}; --no-message-log measures only without)")
        boolean messageLog;

        @Option(names = "--durability", defaultValue = "fsync", converter = DurabilityText.class,
                description = "The logs' durability, as messageLogDurability in server.yaml: fsync, commit or async"
                        + " (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.log.Durability durability;

        @Option(names = "--rate", defaultValue = "0",
                description = "Fixed total request rate per second, latency measured from the schedule; 0 = as fast as"
                        + " answers come (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--signatures", defaultValue = "batch", converter = SignaturesText.class,
                description = "How both servers sign, as messageSignatures in server.yaml: single (each message alone)"
                        + " or batch (messages waiting at once share one signature over a Merkle root)"
                        + " (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.message.MessageSignatures signatures;

        Exchange(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (connections < 1 || connections > 1000 || seconds < 1 || seconds > 3600 || warmup < 0 || warmup > 600
                    || rate < 0) {
                throw new UserError("--connections must be 1..1000, --seconds 1..3600, --warmup 0..600, --rate >= 0");
            }
            services.out().printf("%d connections, %s, %s signatures, %d s warm-up, %d s measured per run, %d cores,"
                            + " max heap %d MB%n",
                    connections, rate > 0 ? String.format("%.0f requests/s", rate) : "closed loop", signatures.text(),
                    warmup, seconds,
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024));
            services.out().flush();
            try {
                Table table = new Table("PATH", "REQUESTS/S", "ERRORS", "P50 ms", "P90 ms", "P99 ms", "P99.9 ms", "MAX ms");
                org.xroadng.cli.bench.HttpLoad.Result withLog = null;
                org.xroadng.cli.bench.HttpLoad.Result withoutLog = null;
                org.xroadng.cli.bench.HttpLoad.Result direct = null;
                for (boolean log : messageLog ? new boolean[] {true, false} : new boolean[] {false}) {
                    try (org.xroadng.cli.bench.ExchangeBench bench = org.xroadng.cli.bench.ExchangeBench.start(log,
                            durability, signatures, services.provider(), services.random(), services.clock())) {
                        var result = new org.xroadng.cli.bench.HttpLoad(bench.clientProxy(),
                                org.xroadng.cli.bench.ExchangeBench.PATH, org.xroadng.cli.bench.ExchangeBench.HEADERS)
                                .run(connections, rate, java.time.Duration.ofSeconds(warmup), java.time.Duration.ofSeconds(seconds));
                        row(table, "consumer SS -> provider SS -> IS, logs " + (log ? "on (" + durability.name()
                                .toLowerCase(java.util.Locale.ROOT) + ")" : "off"), result);
                        if (log) {
                            withLog = result;
                        } else {
                            withoutLog = result;
                            direct = new org.xroadng.cli.bench.HttpLoad(bench.providerIs(), "/EE38001010001", java.util.Map.of())
                                    .run(connections, rate, java.time.Duration.ofSeconds(Math.min(warmup, 2)),
                                            java.time.Duration.ofSeconds(seconds));
                        }
                    }
                }
                row(table, "straight to the IS", direct);
                table.print(services.out());
                services.out().printf("signed exchanges (log off) run at %.1f%% of the IS's own rate (%.1fx slower)%n",
                        100 * withoutLog.perSecond() / direct.perSecond(), direct.perSecond() / withoutLog.perSecond());
                if (withLog != null) {
                    services.out().printf("the message log costs %.1f%% of the throughput (%,.0f/s with, %,.0f/s without)%n",
                            100 * (1 - withLog.perSecond() / withoutLog.perSecond()), withLog.perSecond(),
                            withoutLog.perSecond());
                }
            } catch (org.xroadng.cli.demo.DemoException | java.io.IOException e) {
                throw new UserError("the benchmark network cannot start: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            }
        }

        private static void row(Table table, String name, org.xroadng.cli.bench.HttpLoad.Result result) {
            var h = result.latencyMicros();
            table.row(name, String.format("%,.0f", result.perSecond()), result.errors(), ms(h.getValueAtPercentile(50)),
                    ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)),
                    ms(h.getMaxValue()));
        }

        private static String ms(long micros) {
            return String.format("%.2f", micros / 1000.0);
        }
    }

    @Command(name = "soak", mixinStandardHelpOptions = true,
            description = {"A long run at a fixed rate, to see whether the servers stay healthy: starts the same"
                    + " network as 'bench exchange' (in-process, in a temporary directory, message and access logs"
                    + " on), sends R logged exchanges per second (each naming a data subject) through consumer"
                    + " server -> provider server -> IS for N minutes, and prints a line every interval: elapsed time,"
                    + " requests sent, 200 answers, errors, p50 and p99 latency of that interval (from the schedule,"
                    + " in ms), heap used right after a full GC it requests, open file descriptors (entries of"
                    + " /proc/self/fd) and threads of this process (which runs the servers), and the errors by type"
                    + " (X-Road-Error, else the HTTP status or the connection failure).",
                    "At the end: totals, and whether heap, open files and threads stayed flat, comparing the average"
                            + " of the last third of the intervals with the first third (heap: within 20% + 16 MB;"
                            + " open files: within 16; threads: within 8). A verdict needs three intervals.",
                    "Example: xroad bench soak --minutes 10 --rate 200; JAVA_OPTS=-Xmx256m holds the servers to a"
                            + " 256 MB heap."})
    static final class Soak implements Runnable {
        private final Services services;

        @Option(names = "--minutes", defaultValue = "10",
                description = "How long to run, in minutes; fractions allowed, e.g. 0.5 (default: ${DEFAULT-VALUE})")
        double minutes;

        @Option(names = "--rate", defaultValue = "200",
                description = "Exchanges sent per second, whatever the answers' pace (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--interval", defaultValue = "30",
                description = "Seconds between report lines (default: ${DEFAULT-VALUE})")
        int intervalSeconds;

        @Option(names = {"-c", "--connections"}, defaultValue = "32",
                description = "Keep-alive connections the rate is spread over (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = "--durability", defaultValue = "fsync", converter = DurabilityText.class,
                description = "The logs' durability, as messageLogDurability in server.yaml: fsync, commit or async"
                        + " (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.log.Durability durability;

        Soak(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (!(minutes > 0 && minutes <= 1440) || !(rate > 0 && rate <= 10_000) || intervalSeconds < 1
                    || intervalSeconds > 3600 || connections < 1 || connections > 1000) {
                throw new UserError("--minutes must be more than 0 and at most 1440, --rate more than 0 and at most"
                        + " 10000, --interval 1..3600 seconds, --connections 1..1000; given --minutes " + minutes
                        + ", --rate " + rate + ", --interval " + intervalSeconds + ", --connections " + connections);
            }
            java.time.Duration length = java.time.Duration.ofMillis(Math.round(minutes * 60_000));
            services.out().printf("soak: %.0f logged exchanges/s over %d connections for %s, a line every %d s;"
                            + " %d cores, max heap %d MB%n", rate, connections, text(length), intervalSeconds,
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024));
            services.out().flush();
            try (org.xroadng.cli.bench.ExchangeBench bench = org.xroadng.cli.bench.ExchangeBench.start(true,
                    durability, services.provider(), services.random(), services.clock())) {
                new org.xroadng.cli.bench.Soak(services.out()).run(new org.xroadng.cli.bench.HttpLoad(bench.clientProxy(),
                                org.xroadng.cli.bench.ExchangeBench.PATH, org.xroadng.cli.bench.ExchangeBench.HEADERS),
                        connections, rate, length, java.time.Duration.ofSeconds(intervalSeconds));
            } catch (org.xroadng.cli.demo.DemoException | java.io.IOException e) {
                throw new UserError("the soak network cannot start: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            }
        }

        private static String text(java.time.Duration length) {
            long seconds = length.toSeconds();
            return seconds >= 120 ? String.format("%.1f min", seconds / 60.0) : seconds + " s";
        }
    }

    @Command(name = "accesslog", mixinStandardHelpOptions = true,
            description = "The access log in an H2 file: append rate (one event per transaction, and group-committed"
                    + " batches), then a citizen's query over the whole log: the server's side (events by subject,"
                    + " an inclusion proof each, JSON) and the portal's (parse, leaf hashes, proof checks).")
    static final class AccessLogCase implements Runnable {
        private final Services services;

        @Option(names = "--events", defaultValue = "1000000", description = "Events in the log (default: ${DEFAULT-VALUE})")
        long events;

        @Option(names = "--batch", defaultValue = "256", description = "Events per transaction in the bulk load (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--citizen-events", defaultValue = "50", description = "Events naming the queried citizen (default: ${DEFAULT-VALUE})")
        int citizenEvents;

        @Option(names = "--queries", defaultValue = "50", description = "Queries measured (default: ${DEFAULT-VALUE})")
        int queries;

        @Option(names = "--dir", description = "Directory for the database (default: a temporary one, removed after)")
        java.nio.file.Path dir;

        AccessLogCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (events < 1 || events > 100_000_000 || batch < 1 || batch > 100_000 || citizenEvents < 1
                    || citizenEvents > 1000 || citizenEvents > events || queries < 1 || queries > 100_000) {
                throw new UserError("--events must be 1..100000000, --batch 1..100000, --citizen-events 1..1000 and"
                        + " at most --events, --queries 1..100000");
            }
            java.nio.file.Path work = dir;
            boolean temporary = work == null;
            try {
                if (temporary) {
                    work = java.nio.file.Files.createTempDirectory("xroad-accesslog-bench");
                }
                services.out().printf("access log of %,d events (%d per transaction after the first 5,000), %d naming"
                        + " the citizen, %d cores%n", events, batch, citizenEvents, Runtime.getRuntime().availableProcessors());
                org.xroadng.cli.bench.AccessLogBench.Result r = org.xroadng.cli.bench.AccessLogBench.run(work, events,
                        batch, citizenEvents, queries, services.clock().instant(), services.out());
                Table table = new Table("MEASURE", "VALUE");
                table.row("append, 1 event per transaction + fsync", String.format("%,.0f events/s", r.singleAppendsPerSecond()));
                table.row("append, " + batch + " per transaction + fsync", String.format("%,.0f events/s", r.batchedAppendsPerSecond()));
                table.row("log size", String.format("%,d events, %,d MB", r.events(), r.fileBytes() / (1024 * 1024)));
                table.row("citizen's events found", Integer.toString(r.citizenEvents()));
                table.row("server: query + proofs + JSON p50 / p99", String.format("%.1f / %.1f ms",
                        r.serverQueryMicros().getValueAtPercentile(50) / 1000.0,
                        r.serverQueryMicros().getValueAtPercentile(99) / 1000.0));
                table.row("portal: parse + verify p50 / p99", String.format("%.1f / %.1f ms",
                        r.portalVerifyMicros().getValueAtPercentile(50) / 1000.0,
                        r.portalVerifyMicros().getValueAtPercentile(99) / 1000.0));
                table.print(services.out());
            } catch (java.io.IOException e) {
                throw new UserError("cannot create the benchmark directory: " + e.getMessage(), e);
            } catch (org.xroadng.protocol.accesslog.AccessLogFormatException
                     | org.xroadng.auditlog.merkle.ProofVerificationException e) {
                throw new UserError("the benchmark's own answer did not verify: " + e.getMessage(), e);
            } finally {
                if (temporary && work != null) {
                    deleteTree(work);
                }
            }
        }

        private static void deleteTree(java.nio.file.Path root) {
            try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // best effort: a temporary directory
            }
        }
    }

    /** {@code single} or {@code batch}, as {@code messageSignatures} is written in server.yaml. */
    static final class SignaturesText implements picocli.CommandLine.ITypeConverter<org.xroadng.securityserver.message.MessageSignatures> {
        @Override
        public org.xroadng.securityserver.message.MessageSignatures convert(String value) {
            try {
                return org.xroadng.securityserver.message.MessageSignatures.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("--signatures is " + e.getMessage());
            }
        }
    }

    /** {@code fsync}, {@code commit} or {@code async}, as {@code messageLogDurability} is written in server.yaml. */
    static final class DurabilityText implements picocli.CommandLine.ITypeConverter<org.xroadng.securityserver.log.Durability> {
        @Override
        public org.xroadng.securityserver.log.Durability convert(String text) {
            try {
                return org.xroadng.securityserver.log.Durability.valueOf(text.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + text + "'; expected fsync, commit or async");
            }
        }
    }
}
