package org.xroadng.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.xroadng.certs.Pem;
import org.xroadng.certs.acme.AcmeServer;
import org.xroadng.certs.acme.EabCredentials;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.IssuedCertificate;
import org.xroadng.certs.ca.RevocationReason;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.json.ProtocolJson;
import org.xroadng.protocol.store.DatabaseSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad ca ...}: the certificate authority's operator commands. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Run a certificate authority: create it, issue member signing and server authentication"
                + " certificates from CSRs, revoke them, list them.",
        subcommands = {CaCommand.Init.class, CaCommand.Issue.class, CaCommand.Revoke.class, CaCommand.ListCertificates.class,
                CaCommand.AcmeEab.class,
                ComponentBackupCommand.CaBackupCase.class, ComponentBackupCommand.CaRestoreCase.class})
final class CaCommand {

    /** Options shared by every CA command. */
    static final class CaDir {
        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The CA's directory")
        Path dir;

        @Mixin
        PinOptions pin;

        CertificateAuthority open(Services services) throws CaException {
            return CertificateAuthority.open(dir, pin.pin(services, "CA token"), services.provider(),
                    services.random(), services.clock());
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create a CA in an empty directory: root key and certificate, OCSP responder and TSA"
                    + " certificates, all keys in a PIN-protected token.")
    static final class Init implements Runnable {
        private final Services services;

        @Mixin
        CaDir ca;

        @Option(names = "--name", required = true, description = "The CA's name (root certificate common name)")
        String name;

        @Option(names = "--url", required = true, paramLabel = "URL",
                description = "Base URL where the trust services will be reached, e.g. http://127.0.0.1:8899;"
                        + " issued certificates point to URL/ocsp")
        String url;

        @Option(names = "--listen", paramLabel = "HOST:PORT",
                description = "Where 'xroad trust serve' listens (default: 127.0.0.1 and the URL's port)")
        String listen;

        @Option(names = "--days", defaultValue = "365", description = "Default validity of issued certificates (default: ${DEFAULT-VALUE})")
        int days;

        @Mixin
        DatabaseOptions database = new DatabaseOptions();

        Init(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            URI baseUrl = parse("--url", () -> ConfigValues.httpUrl(url));
            InetSocketAddress address = listen == null
                    ? new InetSocketAddress("127.0.0.1", baseUrl.getPort() > 0 ? baseUrl.getPort() : 80)
                    : parse("--listen", () -> ConfigValues.hostPort(listen));
            DatabaseSettings tables = database.settings();
            CaSettings settings = parse("the CA settings", () -> new CaSettings(name, baseUrl, address, days, tables));
            try (CertificateAuthority created = CertificateAuthority.init(ca.dir, settings,
                    ca.pin.pin(services, "new CA token"), services.provider(), services.random(), services.clock())) {
                services.out().printf("CA '%s' created in %s%n", name, ca.dir);
                services.out().printf("  root certificate  %s (SHA-256 %s)%n", ca.dir.resolve(CertificateAuthority.CA_CERT_FILE),
                        Fingerprints.sha256(created.caCertificate()));
                services.out().printf("  OCSP responder    %s%n", settings.ocspUrl());
                services.out().printf("  TSA               %s%n", settings.tsaUrl());
                services.out().printf("Start the trust services with: xroad trust serve --dir %s%n", ca.dir);
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    /** Exactly one of --member and --server. */
    static final class Identity {
        @Option(names = "--member", paramLabel = "INSTANCE/CLASS/CODE", description = "The member (profile sign)")
        String member;

        @Option(names = "--server", paramLabel = "INSTANCE/CLASS/CODE/SERVER", description = "The security server (profile auth)")
        String server;

        XRoadId parse() {
            return member != null ? CaCommand.parse("--member", () -> MemberId.parse(member))
                    : CaCommand.parse("--server", () -> SecurityServerId.parse(server));
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a certificate from a PKCS#10 request (PEM or DER) after checking it: proof of"
                    + " possession, EC P-256 key, and that any urn:xroad: name in it is the identity asked for.")
    static final class Issue implements Runnable {
        private final Services services;

        @Mixin
        CaDir ca;

        @Option(names = "--csr", required = true, paramLabel = "FILE", description = "The certification request")
        Path csr;

        @Option(names = "--profile", required = true, description = "sign (a member's signing certificate) or auth"
                + " (a security server's TLS certificate)")
        String profile;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Identity identity;

        @Option(names = "--dns", paramLabel = "NAME", description = "DNS name of the security server (auth; repeatable)")
        List<String> dnsNames = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDRESS", description = "IP address of the security server (auth; repeatable)")
        List<String> ipAddresses = new ArrayList<>();

        @Option(names = "--days", description = "Validity in days (default: the CA's setting)")
        Integer days;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here (PEM); default: print it")
        Path out;

        Issue(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            CertificateProfile certificateProfile = parse("--profile", () -> CertificateProfile.parse(profile));
            XRoadId id = identity.parse();
            List<GeneralName> hosts = new ArrayList<>();
            dnsNames.forEach(name -> hosts.add(parse("--dns", () -> new GeneralName(GeneralName.dNSName, name))));
            ipAddresses.forEach(ip -> hosts.add(parse("--ip", () -> ipAddress(ip))));
            byte[] request = read(csr, "CSR");
            try (CertificateAuthority authority = ca.open(services)) {
                IssuedCertificate issued = authority.issue(new IssueRequest(request, certificateProfile, id, hosts,
                        days == null ? null : Duration.ofDays(days)));
                String pem = Pem.encode(issued.certificate());
                if (out != null) {
                    write(out, pem);
                    services.out().printf("issued %s certificate %s for %s, valid until %s, written to %s%n",
                            certificateProfile, issued.serialHex(), id.format(),
                            issued.certificate().getNotAfter().toInstant(), out);
                } else {
                    services.out().print(pem);
                    services.out().flush();
                }
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }

        private static GeneralName ipAddress(String ip) {
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new IllegalArgumentException("'" + ip + "' is not an IPv4 or IPv6 address");
            }
            return new GeneralName(GeneralName.iPAddress, ip);
        }
    }

    @Command(name = "acme-eab", mixinStandardHelpOptions = true,
            description = "Create external account binding credentials for a member (RFC 8555 section 7.3.4): its"
                    + " security servers bind ACME accounts with them and may then renew that member's signing"
                    + " certificates and its servers' authentication certificates. Shown once; hand them over out"
                    + " of band. --withdraw KID stops new accounts being bound with them.")
    static final class AcmeEab implements Runnable {
        private final Services services;

        @Mixin
        CaDir ca;

        @Option(names = "--member", paramLabel = "ID", description = "The member, INSTANCE/CLASS/CODE")
        String member;

        @Option(names = "--withdraw", paramLabel = "KID", description = "Withdraw these credentials instead")
        String withdraw;

        AcmeEab(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            if ((member == null) == (withdraw == null)) {
                throw new UserError("give exactly one of --member ID (create) and --withdraw KID");
            }
            MemberId id = member == null ? null : parse("--member", () -> MemberId.parse(member));
            try (CertificateAuthority authority = ca.open(services)) {
                if (id == null) {
                    if (!AcmeServer.revokeEab(authority, withdraw, services.clock())) {
                        throw new UserError("no EAB credentials '" + withdraw + "' to withdraw (unknown or already withdrawn)");
                    }
                    services.out().printf("EAB credentials %s withdrawn%n", withdraw);
                    return;
                }
                EabCredentials eab = AcmeServer.createEab(authority, id, services.clock(), services.random());
                services.out().printf("EAB credentials for %s (ACME directory %s/acme/directory):%n", id.format(),
                        authority.settings().baseUrl().toString().replaceAll("/$", ""));
                services.out().printf("  eabKeyId: %s%n  eabHmacKey: %s%n", eab.keyId(), eab.hmacKeyText());
                services.out().flush();
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a certificate; the OCSP responder reports it revoked from then on.")
    static final class Revoke implements Runnable {
        private final Services services;

        @Mixin
        CaDir ca;

        @Option(names = "--serial", required = true, paramLabel = "HEX", description = "Serial number in hex, as 'xroad ca list' shows")
        String serial;

        @Option(names = "--reason", defaultValue = "unspecified",
                description = "RFC 5280 reason: unspecified, keyCompromise, cACompromise, affiliationChanged,"
                        + " superseded, cessationOfOperation, privilegeWithdrawn (default: ${DEFAULT-VALUE})")
        String reason;

        Revoke(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            BigInteger number = parse("--serial", () -> {
                try {
                    return new BigInteger(serial.replace(":", ""), 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + serial + "' is not a hexadecimal serial number");
                }
            });
            RevocationReason why = parse("--reason", () -> RevocationReason.parse(reason));
            try (CertificateAuthority authority = ca.open(services)) {
                IssuedCertificate revoked = authority.revoke(number, why);
                services.out().printf("revoked certificate %s (%s %s) at %s, reason %s%n", revoked.serialHex(),
                        revoked.kind(), revoked.identity(), revoked.revokedAt(), revoked.reason());
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the certificates the CA has issued.")
    static final class ListCertificates implements Runnable {
        private final Services services;

        @Mixin
        CaDir ca;

        @Option(names = "--json", description = "Print JSON instead of a table")
        boolean json;

        ListCertificates(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try (CertificateAuthority authority = ca.open(services)) {
                List<IssuedCertificate> all = authority.list();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (IssuedCertificate c : all) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("serial", c.serialHex());
                        row.put("kind", c.kind());
                        row.put("identity", c.identity());
                        row.put("issuedAt", c.issuedAt().toString());
                        row.put("notAfter", c.certificate().getNotAfter().toInstant().toString());
                        row.put("status", c.revoked() ? "revoked" : "good");
                        row.put("revokedAt", c.revoked() ? c.revokedAt().toString() : null);
                        row.put("reason", c.revoked() ? c.reason().rfcName() : null);
                        rows.add(row);
                    }
                    services.out().println(ProtocolJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
                    services.out().flush();
                    return;
                }
                Table table = new Table("SERIAL", "KIND", "IDENTITY", "ISSUED", "NOT AFTER", "STATUS");
                for (IssuedCertificate c : all) {
                    table.row(c.serialHex(), c.kind(), c.identity(), c.issuedAt(), c.certificate().getNotAfter().toInstant(),
                            c.revoked() ? "revoked " + c.revokedAt() + " (" + c.reason() + ")" : "good");
                }
                table.print(services.out());
            } catch (CaException e) {
                throw new UserError(e.getMessage(), e);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs a parser, turning its {@link IllegalArgumentException} into a message that names the option. */
    static <T> T parse(String option, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
    }

    static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read the " + what + " file " + file + ": " + describe(e));
        }
    }

    static void write(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + describe(e));
        }
    }

    static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
    }
}
