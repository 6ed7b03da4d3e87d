package org.xroadng.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;
import org.xroadng.certs.Pem;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.token.TokenKey;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.jws.SigningException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xroad token ...}: a software token's keys, CSRs and certificates. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Manage a PIN-protected software token (PKCS#12): create it, generate P-256 keys, make CSRs,"
                + " import issued certificates.",
        subcommands = {TokenCommand.Init.class, TokenCommand.GenerateKey.class, TokenCommand.ListKeys.class,
                TokenCommand.Csr.class, TokenCommand.ImportCert.class})
final class TokenCommand {

    static final class TokenFile {
        @Option(names = "--token", required = true, paramLabel = "FILE", description = "The token file (.p12)")
        Path file;

        @Mixin
        PinOptions pin;

        SoftwareToken open(Services services) throws TokenException {
            return SoftwareToken.open(file, pin.pin(services, "token " + file), services.provider(), services.random(),
                    services.clock());
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, description = "Create an empty token.")
    static final class Init implements Runnable {
        private final Services services;

        @Mixin
        TokenFile token;

        Init(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try {
                Pin pin = token.pin.pin(services, "new token");
                SoftwareToken.create(token.file, pin, services.provider(), services.random(), services.clock());
                services.out().printf("token %s created%n", token.file);
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "generate-key", mixinStandardHelpOptions = true,
            description = "Generate an EC P-256 key in the token and print its key id.")
    static final class GenerateKey implements Runnable {
        private final Services services;

        @Mixin
        TokenFile token;

        GenerateKey(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try {
                services.out().println(token.open(services).generateKey());
                services.out().flush();
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the token's keys and certificates.")
    static final class ListKeys implements Runnable {
        private final Services services;

        @Mixin
        TokenFile token;

        ListKeys(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            try {
                Table table = new Table("KEY ID", "CERTIFICATE", "NOT AFTER");
                for (TokenKey key : token.open(services).keys()) {
                    X509Certificate cert = key.certificate();
                    table.row(key.keyId(), key.hasIssuedCertificate() ? cert.getSubjectX500Principal().getName()
                            : "(none yet)", key.hasIssuedCertificate() ? cert.getNotAfter().toInstant() : null);
                }
                table.print(services.out());
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "csr", mixinStandardHelpOptions = true,
            description = "Make a PKCS#10 request for a key, carrying the profile's subject alternative names.")
    static final class Csr implements Runnable {
        private final Services services;

        @Mixin
        TokenFile token;

        @Option(names = "--key-id", required = true, description = "The key, as 'xroad token list' shows it")
        String keyId;

        @Option(names = "--profile", required = true, description = "sign or auth")
        String profile;

        @ArgGroup(exclusive = true, multiplicity = "1")
        CaCommand.Identity identity;

        @Option(names = "--dns", paramLabel = "NAME", description = "DNS name of the security server (auth; repeatable)")
        List<String> dnsNames = new ArrayList<>();

        @Option(names = "--ip", paramLabel = "ADDRESS", description = "IP address of the security server (auth; repeatable)")
        List<String> ipAddresses = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CSR (PEM)")
        Path out;

        Csr(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            CertificateProfile certificateProfile = CaCommand.parse("--profile", () -> CertificateProfile.parse(profile));
            XRoadId id = identity.parse();
            List<GeneralName> hosts = new ArrayList<>();
            dnsNames.forEach(name -> hosts.add(new GeneralName(GeneralName.dNSName, name)));
            ipAddresses.forEach(ip -> hosts.add(CaCommand.parse("--ip", () -> new GeneralName(GeneralName.iPAddress, ip))));
            try {
                var key = token.open(services).signingKey(keyId);
                String pem = Pem.encode(CsrBuilder.build(key, certificateProfile, id, hosts));
                CaCommand.write(out, pem);
                services.out().printf("CSR for %s certificate of %s written to %s%n", certificateProfile, id.format(), out);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            } catch (SigningException e) {
                throw new UserError(e.getMessage(), e);
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "import-cert", mixinStandardHelpOptions = true,
            description = "Import the certificate (and chain) a CA issued for a key.")
    static final class ImportCert implements Runnable {
        private final Services services;

        @Mixin
        TokenFile token;

        @Option(names = "--key-id", required = true, description = "The key the certificate is for")
        String keyId;

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "PEM certificate, optionally followed by its chain")
        Path cert;

        ImportCert(Services services) {
            this.services = services;
        }

        @Override
        public void run() {
            String text = new String(CaCommand.read(cert, "certificate"), StandardCharsets.US_ASCII);
            try {
                List<X509Certificate> chain = Pem.certificates(text);
                token.open(services).importCertificate(keyId, chain);
                services.out().printf("certificate %s imported for key %s%n",
                        chain.get(0).getSubjectX500Principal().getName(), keyId);
            } catch (CertificateException | IllegalArgumentException e) {
                throw new UserError(cert + " is not a PEM certificate: " + e.getMessage());
            } catch (TokenException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }
}
