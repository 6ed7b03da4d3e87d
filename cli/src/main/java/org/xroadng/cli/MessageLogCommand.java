package org.xroadng.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xroadng.certs.Pem;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.archive.ArchiveException;
import org.xroadng.securityserver.log.archive.ArchiveRun;
import org.xroadng.securityserver.log.archive.ArchiveVerification;
import org.xroadng.securityserver.log.archive.ArchiveVerificationException;
import org.xroadng.securityserver.log.archive.ArchiveVerifier;
import org.xroadng.securityserver.log.archive.MessageLogArchiver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code xroad messagelog}: retention of a security server's message log (DESIGN.md section 6).
 * {@code archive} moves old, time-stamped records into the archive chain; {@code verify-archive}
 * checks a whole chain offline.
 */
@Command(name = "messagelog", mixinStandardHelpOptions = true,
        description = "Message log retention: archive old records, verify an archive.",
        subcommands = {MessageLogCommand.Archive.class, MessageLogCommand.VerifyArchive.class})
final class MessageLogCommand {

    /** The archive directory inside a server's directory when none is given. */
    static final String DEFAULT_ARCHIVE_DIR = "messagelog-archive";

    private MessageLogCommand() {
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
            description = "Move time-stamped records older than the retention age, whole timestamp batches at a time,"
                    + " into chained archive files (bodies stay encrypted) and delete them from the database."
                    + " Finishes a run that was interrupted.")
    static final class Archive implements Runnable {
        private final Services services;

        @Option(names = "--server-dir", required = true, paramLabel = "DIR", description = "The server's directory")
        Path serverDir;

        @Option(names = "--older-than", required = true, paramLabel = "AGE",
                description = "Retention age: a number with d, h, m or s (30d, 12h), or ISO-8601 (P30D)")
        String olderThan;

        @Option(names = "--archive-dir", paramLabel = "DIR",
                description = "Where the archive files go (default: DIR/" + DEFAULT_ARCHIVE_DIR + ")")
        Path archiveDir;

        @Option(names = "--records-per-file", paramLabel = "N", defaultValue = "10000",
                description = "Records after which an archive file is closed (batches are never split; default 10000)")
        int recordsPerFile;

        @Mixin
        PinOptions pin;

        @Mixin
        NodeOption node = new NodeOption();

        Archive(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            Duration age = age(olderThan);
            Path target = archiveDir != null ? archiveDir : serverDir.resolve(DEFAULT_ARCHIVE_DIR);
            try (ServerHome home = ServerHome.open(serverDir, pin.pin(services, "server token"), services::env, services.provider(),
                    services.random(), services.clock());
                 H2MessageLog log = home.openMessageLog(node.node)) {
                ArchiveRun run = new MessageLogArchiver(log, target, services.clock(), recordsPerFile).archive(age);
                if (run.recovered() != null) {
                    services.out().printf("finished the interrupted archiving of %s%n", run.recovered().getFileName());
                }
                services.out().printf("archived %d records in %d timestamp batches to %d new files in %s%n",
                        run.records(), run.batches(), run.files().size(), target);
                for (Path file : run.files()) {
                    services.out().printf("  %s%n", file.getFileName());
                }
                services.out().flush();
            } catch (ServerException | ArchiveException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "verify-archive", mixinStandardHelpOptions = true,
            description = "Check a whole archive chain: file sequence, previous-file digests, the record hash chain,"
                    + " every inclusion path and, with --tsa-cert, every timestamp token.")
    static final class VerifyArchive implements Runnable {
        private final Services services;

        @Option(names = "--archive-dir", required = true, paramLabel = "DIR", description = "The archive directory")
        Path archiveDir;

        @Option(names = "--tsa-cert", paramLabel = "FILE",
                description = "A TSA certificate (PEM) to check batch tokens against; repeatable (default: tokens"
                        + " are not checked)")
        List<Path> tsaCerts = new ArrayList<>();

        VerifyArchive(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Path file : tsaCerts) {
                try {
                    certificates.add(Pem.readCertificate(file));
                } catch (IOException | CertificateException e) {
                    throw new UserError("cannot read the TSA certificate " + file + ": " + e.getMessage(), e);
                }
            }
            try {
                ArchiveVerification result = new ArchiveVerifier(services.provider(), certificates).verify(archiveDir);
                services.out().printf("archive OK: %d files, %d timestamp batches, %d records; last record %d with"
                                + " hash %s; tokens %s%n", result.files(), result.batches(), result.records(),
                        result.lastRecordId(), result.lastRecordHash(),
                        result.tokensChecked() ? "verified" : "not checked (no --tsa-cert)");
                services.out().flush();
            } catch (ArchiveVerificationException e) {
                throw new UserError("archive does not verify: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses a retention age: {@code <n>d}, {@code <n>h}, {@code <n>m}, {@code <n>s} or ISO-8601;
     * refuses anything else and ages that are not positive.
     */
    static Duration age(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Duration age;
        try {
            if (value.matches("\\d{1,9}[dhms]")) {
                long n = Long.parseLong(value.substring(0, value.length() - 1));
                age = switch (value.charAt(value.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'm' -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                };
            } else {
                age = Duration.parse(text.trim());
            }
        } catch (DateTimeParseException e) {
            throw new UserError("--older-than is " + text + "; allowed: a number with d, h, m or s (30d), or ISO-8601"
                    + " (P30D)");
        }
        if (age.isZero() || age.isNegative()) {
            throw new UserError("--older-than is " + text + "; allowed: a positive age");
        }
        return age;
    }
}
