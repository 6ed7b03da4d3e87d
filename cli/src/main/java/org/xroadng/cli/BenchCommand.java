package org.xroadng.cli;

import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.cli.bench.CpuProfile;
import org.xroadng.cli.bench.GcPauses;
import org.xroadng.cli.bench.EcdsaCost;
import org.xroadng.cli.bench.ExchangeBench;
import org.xroadng.cli.bench.HttpLoad;
import org.xroadng.cli.bench.WarmUp;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.JwsVerificationException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.JwsVerifier;
import org.xroadng.securityserver.message.BatchMessageSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xroad bench ...}: measurements that are run by hand, never asserted in tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the hot paths on this machine.",
        subcommands = {BenchCommand.Crypto.class, BenchCommand.Exchange.class, BenchCommand.Soak.class,
                BenchCommand.AccessLogCase.class, BenchCommand.MessageLogCase.class, BenchCommand.TokenCase.class})
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
            description = {"Signed, logged exchanges per second: starts the demo network in a temporary directory with"
                    + " a trivial provider IS, drives C keep-alive clients through consumer server -> provider server"
                    + " -> IS for N seconds, then the same load straight to the IS, and prints requests/s and latency"
                    + " percentiles; with the message log on and off, in one run. Run with JAVA_OPTS=-Xmx256m to hold"
                    + " the servers to a 256 MB heap.",
                    "First it measures ES256 sign and verify (Bouncy Castle, as the servers call it, one thread) and"
                            + " prints the ceiling: cores / (2 signs + 2 verifications) exchanges/s; each run's"
                            + " requests/s are also given as a share of it. Everything runs in this one JVM: for each"
                            + " run it prints the cores used and where the CPU went, by thread group (thread name"
                            + " without its numbers), as a share of the process's CPU and in CPU microseconds per"
                            + " request; 'JVM (GC, JIT, other)' is the process's CPU beyond its Java threads'. It"
                            + " also prints the garbage collector's pauses during each run's measured seconds: at a"
                            + " fixed --rate they are most of the high percentiles."})
    static final class Exchange implements Runnable {
        /** Thread groups shown by name in the CPU table, if they took 0.5% of the CPU in a run; the rest are summed. */
        private static final int TOP_GROUPS = 9;
        /** How much longer than --warmup a signed run may warm up while the JIT compiler is busy. */
        private static final int WARMUP_EXTRA_SECONDS = 240;
        private static final double MIN_GROUP_SHARE = 0.005;
        private static final BatchMessageSigner.Batches NO_BATCHES = new BatchMessageSigner.Batches(0, 0);

        private final Services services;

        @Option(names = {"-c", "--connections"}, defaultValue = "32", description = "Concurrent keep-alive clients (default: ${DEFAULT-VALUE})")
        int connections;

        @Option(names = {"-d", "--seconds"}, defaultValue = "10", description = "Measuring time per run (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--warmup", defaultValue = "60", description = "Warm-up seconds before measuring, at least;"
                + " the warm-up of a signed run goes on, up to " + WARMUP_EXTRA_SECONDS + " s more, while the JIT"
                + " compiler is still busy; half way through, the servers take up a new configuration version, as"
                + " they do every minute (default: ${DEFAULT-VALUE})")
        int warmup;

        // Named by its negative form: picocli sets a negatable option to the opposite of its default
        // when the option's own name is given, so "--message-log" with default true would mean off.
        @Option(names = "--no-message-log", negatable = true, defaultValue = "true",
                description = "--no-message-log measures only with the servers' message and access logs off; by"
                        + " default with them on and off, in the same run")
        boolean messageLog;

        @Option(names = "--durability", defaultValue = "fsync", converter = DurabilityText.class,
                description = "The logs' durability, as messageLogDurability in server.yaml: fsync, commit or async"
                        + " (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.log.Durability durability;

        @Option(names = "--rate", defaultValue = "0",
                description = "Fixed total request rate per second, latency measured from when each request was due"
                        + " (no coordinated omission); 0 = as fast as answers come (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--signatures", defaultValue = "batch", converter = SignaturesText.class,
                description = "How both servers sign, as messageSignatures in server.yaml: single (each message alone)"
                        + " or batch (messages waiting at once share one signature over a Merkle root)"
                        + " (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.message.MessageSignatures signatures;

        @Option(names = "--provider-servers", paramLabel = "N", defaultValue = "1",
                description = "Security servers hosting the provider's subsystem, 1.."
                        + org.xroadng.cli.demo.DemoPorts.MAX_PROVIDER_SERVERS + "; the consumer's server spreads the"
                        + " load over them (default: ${DEFAULT-VALUE})")
        int providerServers;

        @Option(names = "--subjects", paramLabel = "N", defaultValue = "1",
                description = "Data subjects the queries name, each drawn at random from N personal codes; 1 names"
                        + " the same person every time (a population register names many: each new one costs the"
                        + " access logs an index entry elsewhere) (default: ${DEFAULT-VALUE})")
        int subjects;

        /** The most subjects --subjects takes: a country's population. */
        static final int MAX_SUBJECTS = 200_000_000;

        Exchange(Services services) {
            this.services = services;
        }

        /** One measured run: what the load saw and, where the JVM tells, the CPU it took. */
        private record Measured(String path, String column, boolean signed, HttpLoad.Result load,
                                Optional<CpuProfile.Usage> cpu, Optional<GcPauses.Summary> gc, Duration warmedUp,
                                BatchMessageSigner.Batches batches) {
        }

        @Override
        public void run() {
            if (connections < 1 || connections > 1000 || seconds < 1 || seconds > 3600 || warmup < 0 || warmup > 600
                    || rate < 0 || providerServers < 1
                    || providerServers > org.xroadng.cli.demo.DemoPorts.MAX_PROVIDER_SERVERS
                    || subjects < 1 || subjects > MAX_SUBJECTS) {
                throw new UserError("--connections must be 1..1000, --seconds 1..3600, --warmup 0..600, --rate >= 0,"
                        + " --provider-servers 1.." + org.xroadng.cli.demo.DemoPorts.MAX_PROVIDER_SERVERS
                        + ", --subjects 1.." + MAX_SUBJECTS);
            }
            PrintWriter out = services.out();
            int cores = Runtime.getRuntime().availableProcessors();
            out.printf("%d connections, %s, %s signatures, %d provider server%s, %s, %d s warm-up or more, %d s"
                            + " measured per run, %d cores, max heap %d MB%n",
                    connections, rate > 0 ? String.format("%.0f requests/s", rate) : "closed loop", signatures.text(),
                    providerServers, providerServers == 1 ? "" : "s",
                    subjects == 1 ? "every query names one data subject" : String.format("queries name %,d data subjects"
                            + " at random", subjects),
                    warmup, seconds,
                    cores, Runtime.getRuntime().maxMemory() / (1024 * 1024));
            out.flush();
            EcdsaCost ecdsa;
            try {
                ecdsa = EcdsaCost.measure(services.provider(), services.random(), services.clock(),
                        Duration.ofSeconds(1), Duration.ofMillis(1500));
            } catch (SigningException | JwsVerificationException e) {
                throw new UserError("measuring ES256 failed: " + e.getMessage(), e);
            }
            out.printf("ES256 (%s, 1 thread, CPU time): sign %.1f µs, verify %.1f µs%n", services.provider().getName(),
                    ecdsa.signMicros(), ecdsa.verifyMicros());
            out.printf("ceiling: %d cores / (%d signs + %d verifications = %.0f µs per exchange) = %,.0f exchanges/s"
                            + " if the servers did nothing else%n", cores, EcdsaCost.SIGNATURES_PER_EXCHANGE,
                    EcdsaCost.VERIFICATIONS_PER_EXCHANGE, ecdsa.exchangeMicros(), ecdsa.ceiling(cores));
            out.flush();
            Optional<CpuProfile> cpu = CpuProfile.ofThisJvm();
            Optional<GcPauses> gc = GcPauses.ofThisJvm();
            List<Measured> runs = new ArrayList<>();
            try {
                for (boolean log : messageLog ? new boolean[] {true, false} : new boolean[] {false}) {
                    try (ExchangeBench bench = ExchangeBench.start(log, durability, signatures, providerServers,
                            services.provider(), services.random(), services.clock())) {
                        String logs = log ? "on (" + durability.name().toLowerCase(Locale.ROOT) + ")" : "off";
                        String providerSide = providerServers == 1 ? "provider SS" : providerServers + " provider SS";
                        runs.add(measure("consumer SS -> " + providerSide + " -> IS, logs " + logs, "logs " + logs, true,
                                ExchangeBench.load(bench.clientProxy(), subjects),
                                new WarmUp(Duration.ofSeconds(warmup), Duration.ofSeconds(warmup + WARMUP_EXTRA_SECONDS))
                                        .midway(() -> newConfiguration(bench, out)),
                                cpu, gc, bench::signerBatches));
                        out.printf("%s: warmed up for %d s%n", runs.get(runs.size() - 1).path(),
                                runs.get(runs.size() - 1).warmedUp().toSeconds());
                        out.flush();
                        if (!log) {
                            Duration direct = Duration.ofSeconds(Math.min(warmup, 2));
                            runs.add(measure("straight to the IS", "IS only", false,
                                    new HttpLoad(bench.providerIs(), "/EE38001010001", Map.of()),
                                    new WarmUp(direct, direct), cpu, gc, () -> NO_BATCHES));
                        }
                    }
                }
            } catch (org.xroadng.cli.demo.DemoException | java.io.IOException e) {
                throw new UserError("the benchmark network cannot start: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            } finally {
                gc.ifPresent(GcPauses::close);
            }
            Table table = new Table("PATH", "REQUESTS/S", "OF CEILING", "ERRORS", "P50 ms", "P90 ms", "P99 ms",
                    "P99.9 ms", "MAX ms", "CORES USED");
            for (Measured run : runs) {
                var h = run.load().latencyMicros();
                table.row(run.path(), String.format("%,.0f", run.load().perSecond()),
                        run.signed() ? String.format("%.1f%%", 100 * run.load().perSecond() / ecdsa.ceiling(cores)) : "-",
                        run.load().errors(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                        ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()),
                        run.cpu().map(u -> String.format("%.2f of %d", u.coresUsed(), cores)).orElse("-"));
            }
            table.print(out);
            printPauses(out, runs);
            printBatches(out, runs);
            if (rate > 0) {
                // Every path was offered the same load: throughput says nothing, the latencies do.
                out.printf("at a fixed rate, compare latencies: a path that cannot carry %.0f requests/s falls"
                        + " behind and its latencies grow with the run%n", rate);
            } else {
                HttpLoad.Result withLog = runs.stream().filter(r -> r.signed() && r.column().startsWith("logs on"))
                        .map(Measured::load).findFirst().orElse(null);
                HttpLoad.Result withoutLog = runs.stream().filter(r -> r.column().equals("logs off"))
                        .map(Measured::load).findFirst().orElseThrow();
                HttpLoad.Result direct = runs.stream().filter(r -> !r.signed()).map(Measured::load).findFirst()
                        .orElseThrow();
                out.printf("signed exchanges (log off) run at %.1f%% of the IS's own rate (%.1fx slower)%n",
                        100 * withoutLog.perSecond() / direct.perSecond(), direct.perSecond() / withoutLog.perSecond());
                if (withLog != null) {
                    out.printf("the message log costs %.1f%% of the throughput (%,.0f/s with, %,.0f/s without)%n",
                            100 * (1 - withLog.perSecond() / withoutLog.perSecond()), withLog.perSecond(),
                            withoutLog.perSecond());
                }
            }
            if (cpu.isEmpty()) {
                out.println("where the CPU went: not known (this JVM does not measure thread or process CPU time)");
            } else {
                printCpu(out, runs, ecdsa);
            }
            out.flush();
        }

        /**
         * During the warm-up: a new configuration version, as the registry publishes every minute.
         * The first one a server takes up after the JIT compiled its message path sends that path
         * back to the interpreter for a moment (branches never taken before); in a run it would be
         * a stall of up to a few hundred milliseconds that a running server pays once.
         */
        private static void newConfiguration(ExchangeBench bench, PrintWriter out) {
            try {
                out.printf("global configuration version %d taken up by every server during the warm-up%n",
                        bench.newConfiguration());
                out.flush();
            } catch (org.xroadng.cli.demo.DemoException e) {
                out.printf("warning: no new configuration version during the warm-up (%s); the measured run may meet"
                        + " the first one%n", e.getMessage());
                out.flush();
            }
        }

        private Measured measure(String path, String column, boolean signed, HttpLoad load, WarmUp warmUp,
                                 Optional<CpuProfile> cpu, Optional<GcPauses> gc,
                                 Supplier<BatchMessageSigner.Batches> batches) throws InterruptedException {
            CpuProfile.Snapshot[] marks = new CpuProfile.Snapshot[2];
            BatchMessageSigner.Batches[] signing = new BatchMessageSigner.Batches[2];
            long[] window = new long[2];
            Duration[] warmedUp = {Duration.ZERO};
            HttpLoad.Result result = load.run(connections, rate, warmUp, Duration.ofSeconds(seconds),
                    new HttpLoad.Phases() {
                        @Override
                        public void warmedUp(Duration lasted) {
                            warmedUp[0] = lasted;
                        }

                        @Override
                        public void measuringStarted() {
                            window[0] = System.nanoTime();
                            cpu.ifPresent(c -> marks[0] = c.snapshot());
                            signing[0] = batches.get();
                        }

                        @Override
                        public void measuringEnded() {
                            signing[1] = batches.get();
                            cpu.ifPresent(c -> marks[1] = c.snapshot());
                            window[1] = System.nanoTime();
                        }
                    });
            return new Measured(path, column, signed, result, cpu.map(c -> CpuProfile.between(marks[0], marks[1])),
                    gc.map(g -> g.between(window[0], window[1])), warmedUp[0],
                    new BatchMessageSigner.Batches(signing[1].signatures() - signing[0].signatures(),
                            signing[1].messages() - signing[0].messages()));
        }

        /**
         * How many messages shared each batch signature while measuring, over every server: the
         * fewer signatures per message, the less of an exchange its signing and verifying take.
         */
        private static void printBatches(PrintWriter out, List<Measured> runs) {
            List<String> parts = new ArrayList<>();
            for (Measured run : runs) {
                BatchMessageSigner.Batches b = run.batches();
                if (b.signatures() > 0) {
                    parts.add(String.format("%s %.1f messages per signature (%,d signatures)", run.column(),
                            (double) b.messages() / b.signatures(), b.signatures()));
                }
            }
            if (!parts.isEmpty()) {
                out.println("batch signatures while measuring: " + String.join("; ", parts));
            }
        }

        /**
         * The collector's pauses during each run's measured seconds: at a fixed rate they are most of
         * the high percentiles (a request due during a pause waits for it).
         */
        private void printPauses(PrintWriter out, List<Measured> runs) {
            List<String> parts = new ArrayList<>();
            for (Measured run : runs) {
                run.gc().ifPresent(g -> parts.add(String.format("%s %d, %,d ms in all (%.1f%% of the time), longest %,d ms",
                        run.column(), g.count(), g.totalMillis(), 100 * g.share(seconds), g.longestMillis())));
            }
            if (!parts.isEmpty()) {
                out.println("garbage collection pauses while measuring: " + String.join("; ", parts));
            }
        }

        /**
         * Where the CPU went, a pair of columns per run: each thread group's share of the process's
         * CPU time, and its CPU microseconds per request answered; then how much of an exchange's
         * CPU its signatures took.
         */
        private static void printCpu(PrintWriter out, List<Measured> runs, EcdsaCost ecdsa) {
            List<CpuProfile.Usage> usages = runs.stream().map(r -> r.cpu().orElseThrow()).toList();
            List<String> top = CpuProfile.topGroups(usages, TOP_GROUPS, MIN_GROUP_SHARE);
            List<String> header = new ArrayList<>(List.of("THREADS"));
            for (Measured run : runs) {
                header.add(run.column().toUpperCase(Locale.ROOT) + " % CPU");
                header.add("µs/REQ");
            }
            Table table = new Table(header.toArray(String[]::new));
            List<String> rows = new ArrayList<>(top);
            rows.add("other threads");
            rows.add(CpuProfile.JVM);
            rows.add("process");
            for (String row : rows) {
                List<String> cells = new ArrayList<>(List.of(row));
                for (int i = 0; i < runs.size(); i++) {
                    CpuProfile.Usage usage = usages.get(i);
                    long nanos = switch (row) {
                        case "process" -> usage.processCpuNanos();
                        case "other threads" -> usage.byGroup().entrySet().stream()
                                .filter(e -> !top.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
                        default -> usage.nanos(row);
                    };
                    long requests = runs.get(i).load().requests();
                    if (nanos == 0 || usage.processCpuNanos() == 0) {
                        cells.add("-");
                        cells.add("-");
                        continue;
                    }
                    cells.add(String.format("%.1f%%", 100.0 * nanos / usage.processCpuNanos()));
                    double micros = requests == 0 ? 0 : nanos / 1e3 / requests;
                    cells.add(requests == 0 ? "-" : String.format(micros < 10 ? "%.1f" : "%,.0f", micros));
                }
                table.row(cells.toArray());
            }
            out.println();
            out.println("where the CPU went: share of this process's CPU by thread group, and CPU µs per request answered");
            table.print(out);
            printServers(out, runs, usages);
            for (int i = 0; i < runs.size(); i++) {
                Measured run = runs.get(i);
                if (run.signed() && run.load().requests() > 0) {
                    double perExchange = usages.get(i).processCpuNanos() / 1e3 / run.load().requests();
                    out.printf("%s: %,.0f CPU µs per exchange, of which its %d ECDSA operations %.0f µs (%.1f%%)%n",
                            run.column(), perExchange,
                            EcdsaCost.SIGNATURES_PER_EXCHANGE + EcdsaCost.VERIFICATIONS_PER_EXCHANGE, ecdsa.exchangeMicros(),
                            100 * ecdsa.exchangeMicros() / perExchange);
                }
            }
        }

        /**
         * CPU µs per request answered by each security server's own threads (its proxies, signer,
         * message log writer, journal and time-stamper): what one node of that server spends per
         * exchange, for the capacity plan. The JVM's, H2's and the load's threads are in no
         * server's row; the last row says how much of the process that leaves.
         */
        private static void printServers(PrintWriter out, List<Measured> runs, List<CpuProfile.Usage> usages) {
            java.util.SortedSet<String> servers = new java.util.TreeSet<>();
            usages.forEach(u -> servers.addAll(u.byServer().keySet()));
            if (servers.isEmpty()) {
                return;
            }
            List<String> header = new ArrayList<>(List.of("SERVER"));
            for (Measured run : runs) {
                header.add(run.column().toUpperCase(Locale.ROOT) + " µs/REQ");
            }
            Table table = new Table(header.toArray(String[]::new));
            List<String> rows = new ArrayList<>(servers);
            rows.add("no one server (JVM, H2, load, IS)");
            for (String row : rows) {
                List<String> cells = new ArrayList<>(List.of(row));
                for (int i = 0; i < runs.size(); i++) {
                    CpuProfile.Usage usage = usages.get(i);
                    long requests = runs.get(i).load().requests();
                    long nanos = servers.contains(row) ? usage.byServer().getOrDefault(row, 0L)
                            : usage.processCpuNanos() - usage.byServer().values().stream().mapToLong(Long::longValue).sum();
                    cells.add(requests == 0 || nanos <= 0 ? "-" : String.format("%,.0f", nanos / 1e3 / requests));
                }
                table.row(cells.toArray());
            }
            out.println();
            out.println("by security server: CPU µs per request answered by each server's own threads");
            table.print(out);
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

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Signatures per second through an HSM token (PKCS#11) beside the software token, as the"
                    + " signer makes them (SHA-256 here, ECDSA P-256 in the token), on 1 thread and on as many threads"
                    + " as cores. Generates one key in the HSM token unless --key-id names one already there.")
    static final class TokenCase implements Runnable {
        private final Services services;

        @Option(names = "--module", required = true, paramLabel = "LIBRARY",
                description = "The HSM's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so")
        java.nio.file.Path module;

        @Option(names = "--slot", required = true, paramLabel = "SLOT_ID", description = "The token's slot id")
        long slot;

        @Option(names = "--key-id", paramLabel = "KEY_ID",
                description = "Sign with this key of the token instead of generating one")
        String keyId;

        @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per case (default: ${DEFAULT-VALUE})")
        double seconds;

        @picocli.CommandLine.Mixin
        PinOptions pin;

        TokenCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (seconds <= 0 || seconds > 600) {
                throw new UserError("--seconds must be in (0, 600]");
            }
            org.xroadng.certs.token.Pkcs11Token hsm;
            org.xroadng.protocol.jws.SigningKey hsmKey;
            try {
                org.xroadng.certs.token.Pkcs11Slot where;
                try {
                    where = org.xroadng.certs.token.Pkcs11Slot.bySlotId("bench", module, slot);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                hsm = org.xroadng.certs.token.Pkcs11Token.open(where, pin.pin(services, "HSM token"), services.random(),
                        services.clock());
                String id = keyId != null ? keyId : hsm.generateKey();
                hsmKey = hsm.signingKey(id);
                if (keyId == null) {
                    services.out().printf("generated key %s in the HSM token (it stays there; reuse it with"
                            + " --key-id)%n", id);
                }
            } catch (org.xroadng.certs.token.TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
            java.nio.file.Path work = null;
            try {
                work = java.nio.file.Files.createTempDirectory("xroad-token-bench");
                org.xroadng.certs.token.SoftwareToken software = org.xroadng.certs.token.SoftwareToken.create(
                        work.resolve("token.p12"), org.xroadng.certs.token.Pin.of("bench-pin"), services.provider(),
                        services.random(), services.clock());
                org.xroadng.protocol.jws.SigningKey softwareKey = software.signingKey(software.generateKey());
                int cores = Runtime.getRuntime().availableProcessors();
                Duration measure = Duration.ofNanos((long) (seconds * 1e9));
                Duration warmUp = measure;
                services.out().printf("ES256 signatures of %d-byte inputs through SigningKey.sign, %.1f s per case,"
                        + " %d cores%n", 512, seconds, cores);
                // the JIT compiles both paths before anything is counted
                org.xroadng.cli.bench.TokenSignBench.signaturesPerSecond(softwareKey, 1, warmUp, warmUp);
                org.xroadng.cli.bench.TokenSignBench.signaturesPerSecond(hsmKey, 1, warmUp, warmUp);
                Table table = new Table("TOKEN", "THREADS", "SIGNATURES/s");
                for (int threads : cores > 1 ? List.of(1, cores) : List.of(1)) {
                    table.row("software (PKCS#12, Bouncy Castle)", threads, String.format("%,.0f",
                            org.xroadng.cli.bench.TokenSignBench.signaturesPerSecond(softwareKey, threads, warmUp, measure)));
                    table.row("HSM (PKCS#11, " + module.getFileName() + ")", threads, String.format("%,.0f",
                            org.xroadng.cli.bench.TokenSignBench.signaturesPerSecond(hsmKey, threads, warmUp, measure)));
                }
                table.print(services.out());
            } catch (java.io.IOException e) {
                throw new UserError("cannot create the benchmark directory: " + e.getMessage(), e);
            } catch (org.xroadng.certs.token.TokenException | SigningException e) {
                throw new UserError("benchmark failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            } finally {
                if (work != null) {
                    AccessLogCase.deleteTree(work);
                }
            }
        }
    }

    @Command(name = "messagelog", mixinStandardHelpOptions = true,
            description = "One server's message log with its access log, alone: exchanges appended by C callers at"
                    + " once (journal, one device flush per group, then the tables), without network, signatures or"
                    + " information systems. Prints exchanges/s, the append latency an answer waits, and the CPU per"
                    + " exchange by thread group: what logging costs a server.")
    static final class MessageLogCase implements Runnable {
        private final Services services;

        @Option(names = {"-n", "--exchanges"}, defaultValue = "50000",
                description = "Exchanges measured, after half as many to warm up (default: ${DEFAULT-VALUE})")
        int exchanges;

        @Option(names = {"-c", "--in-flight"}, defaultValue = "64",
                description = "Appends waiting at once, as concurrent exchanges would (default: ${DEFAULT-VALUE})")
        int inFlight;

        @Option(names = "--body", defaultValue = "1024", description = "Response body bytes (default: ${DEFAULT-VALUE})")
        int bodyBytes;

        @Option(names = "--subjects", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Every exchange names a data subject, so it also gets an access event"
                        + " (default: ${DEFAULT-VALUE})")
        boolean subjects;

        @Option(names = "--durability", defaultValue = "fsync", converter = DurabilityText.class,
                description = "fsync, commit or async, as messageLogDurability (default: ${DEFAULT-VALUE})")
        org.xroadng.securityserver.log.Durability durability;

        MessageLogCase(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if (exchanges < 100 || exchanges > 10_000_000 || inFlight < 1 || inFlight > 10_000 || bodyBytes < 0
                    || bodyBytes > 10 * 1024 * 1024) {
                throw new UserError("--exchanges must be 100..10000000, --in-flight 1..10000, --body 0..10485760");
            }
            java.nio.file.Path work = null;
            try {
                work = java.nio.file.Files.createTempDirectory("xroad-messagelog-bench");
                services.out().printf("%,d exchanges (%,d to warm up), %d in flight, %d-byte bodies, %s, durability %s,"
                                + " %d cores%n", exchanges, exchanges / 2, inFlight, bodyBytes,
                        subjects ? "each with an access event" : "no access events",
                        durability.name().toLowerCase(Locale.ROOT), Runtime.getRuntime().availableProcessors());
                services.out().flush();
                org.xroadng.cli.bench.MessageLogBench.Result r = org.xroadng.cli.bench.MessageLogBench.run(work,
                        services.provider(), services.random(), services.clock(), durability, exchanges, inFlight,
                        bodyBytes, subjects);
                Table table = new Table("MEASURE", "VALUE");
                table.row("exchanges logged", String.format("%,.0f /s (%d errors)", r.perSecond(), r.errors()));
                table.row("append latency p50 / p99 / max", String.format("%.2f / %.2f / %.2f ms",
                        r.latencyMicros().getValueAtPercentile(50) / 1000.0,
                        r.latencyMicros().getValueAtPercentile(99) / 1000.0, r.latencyMicros().getMaxValue() / 1000.0));
                table.row("journal bytes per exchange", String.format("%,.0f", r.storage().journalBytesPerExchange()));
                table.row("table bytes per exchange (H2 files)",
                        String.format("%,.0f", r.storage().tableBytesPerExchange()));
                r.cpuMicrosPerExchange().ifPresent(us -> table.row("CPU per exchange (whole process)",
                        String.format("%.0f µs", us)));
                r.cpu().ifPresent(usage -> usage.byGroup().entrySet().stream()
                        .filter(e -> usage.share(e.getKey()) >= 0.02)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> table.row("  " + e.getKey(), String.format("%.0f µs (%.0f%%)",
                                e.getValue() / 1000.0 / r.exchanges(), 100 * usage.share(e.getKey())))));
                r.cpu().ifPresent(usage -> table.row("  JVM (GC, JIT, other)", String.format("%.0f µs (%.0f%%)",
                        usage.jvmNanos() / 1000.0 / r.exchanges(),
                        100.0 * usage.jvmNanos() / Math.max(1, usage.processCpuNanos()))));
                table.print(services.out());
            } catch (java.io.IOException e) {
                throw new UserError("cannot create the benchmark directory: " + e.getMessage(), e);
            } catch (org.xroadng.securityserver.log.MessageLogException e) {
                throw new UserError("the message log cannot be opened: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            } finally {
                if (work != null) {
                    AccessLogCase.deleteTree(work);
                }
            }
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

        static void deleteTree(java.nio.file.Path root) {
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
