package org.xroadng.certs.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.certs.Pem;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.profile.ProfileException;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.testing.FreePorts;

/**
 * Our ACME server driven by an ACME client we did not write: acme-client for Node.js (5.x), which
 * speaks RFC 8555 to public CAs. Refused without EAB and with a bad EAB MAC; a signing certificate
 * ordered by its {@code xroad} identifier; an authentication certificate with its address proven by
 * http-01 through the client's own challenge handling. Runs when {@code node} and the package are
 * present: set {@code XROAD_ACME_CLIENT_DIR} to a directory whose {@code node_modules} holds
 * {@code acme-client} ({@code npm install acme-client@5.4.0}); skipped otherwise, as the SoftHSM2
 * tests are without SoftHSM2. {@code XROAD_REQUIRE_ACME_CLIENT=1} makes a missing client a failure.
 */
class AcmeInteropTest {

    private static final MemberId MEMBER = MemberId.parse("DEMO/GOV/1001");
    private static final SecurityServerId SERVER = SecurityServerId.parse("DEMO/GOV/1001/ss1");

    @TempDir
    Path dir;

    private final TestPki keys = TestPki.create(Clock.systemUTC());

    private static Path clientDir() {
        String configured = System.getenv("XROAD_ACME_CLIENT_DIR");
        Path found = configured == null ? null : Path.of(configured);
        boolean present = found != null && Files.isDirectory(found.resolve("node_modules").resolve("acme-client"));
        if (!present && "1".equals(System.getenv("XROAD_REQUIRE_ACME_CLIENT"))) {
            throw new AssertionError("XROAD_REQUIRE_ACME_CLIENT=1 but XROAD_ACME_CLIENT_DIR (" + configured
                    + ") holds no node_modules/acme-client");
        }
        assumeTrue(present, "acme-client for Node.js not configured (XROAD_ACME_CLIENT_DIR)");
        return found;
    }

    @Test
    void independentClient_isRefusedWithoutEab_andGetsSignAndAuthCertificates() throws CaException, IOException,
            InterruptedException, SigningException, CertificateException, ProfileException {
        Path client = clientDir();
        int port = FreePorts.one();
        int challengePort = FreePorts.one();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        try (CertificateAuthority ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Interop CA",
                URI.create("http://127.0.0.1:" + port), listen, 30), Pin.of("interop"), keys.bc, keys.random, keys.clock);
             TrustServer server = TrustServer.start(ca, listen, keys.clock, keys.random, challengePort)) {
            EabCredentials eab = AcmeServer.createEab(ca, MEMBER, keys.clock, keys.random);
            Path signCsr = dir.resolve("sign.csr");
            Path authCsr = dir.resolve("auth.csr");
            Files.writeString(signCsr, Pem.encode(CsrBuilder.build(keys.issue("s", CertificateKind.MEMBER_SIGN, List.of(),
                    null).key(), CertificateProfile.SIGN, MEMBER, List.of())));
            Files.writeString(authCsr, Pem.encode(CsrBuilder.build(keys.issue("a", CertificateKind.SERVER_AUTH, List.of(),
                    null).key(), CertificateProfile.AUTH, SERVER, List.of(new GeneralName(GeneralName.iPAddress,
                    "127.0.0.1")))));
            Path script = dir.resolve("interop.js");
            try (InputStream in = AcmeInteropTest.class.getResourceAsStream("/acme/interop.js")) {
                Files.write(script, in.readAllBytes());
            }
            ProcessBuilder builder = new ProcessBuilder("node", script.toString(),
                    "http://127.0.0.1:" + port + "/acme/directory", eab.keyId(), eab.hmacKeyText(),
                    Integer.toString(challengePort), signCsr.toString(), authCsr.toString(), dir.toString())
                    .redirectErrorStream(true);
            builder.environment().put("NODE_PATH", client.resolve("node_modules").toString());
            builder.environment().put("SIGN_ID", CertificateProfile.SIGN.uriFor(MEMBER));
            builder.environment().put("AUTH_ID", CertificateProfile.AUTH.uriFor(SERVER));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);

            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("REFUSED no-eab: this CA requires external account binding"), output);
            assertTrue(output.contains("REFUSED bad-mac: externalAccountBinding's MAC does not verify"), output);
            assertTrue(output.contains("AUTHORIZED urn:xroad:server:DEMO/GOV/1001/ss1"), output);
            assertTrue(output.contains("VALIDATED 127.0.0.1"), output);
            List<X509Certificate> sign = Pem.certificates(Files.readString(dir.resolve("sign.pem")));
            List<X509Certificate> auth = Pem.certificates(Files.readString(dir.resolve("auth.pem")));
            assertEquals(MEMBER, CertificateProfile.SIGN.identityOf(sign.get(0)));
            assertEquals(SERVER, CertificateProfile.AUTH.identityOf(auth.get(0)));
            assertEquals(ca.caCertificate(), sign.get(1));
        }
    }
}
