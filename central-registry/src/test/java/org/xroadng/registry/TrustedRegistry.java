package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.HttpOcspTransport;
import org.xroadng.certs.ocsp.OcspClient;
import org.xroadng.certs.ocsp.OcspException;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ManagementRequests;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.registry.RegistryFixture.Answer;

/**
 * A registry that trusts a running CA, OCSP responder and TSA of ours (all on loopback), with
 * member class GOV and the given members, and a security server's software token to make
 * credentials with: what a test of management requests or of the witness starts from.
 */
final class TrustedRegistry implements AutoCloseable {

    /** A key in the server's token with its certificate and a fresh OCSP response. */
    record Credential(SigningKey key, X509Certificate certificate, byte[] ocsp) {
        JwsSigner signer() {
            return new JwsSigner(key, List.of(certificate));
        }
    }

    final Provider bc = new BouncyCastleProvider();
    final SecureRandom random = new SecureRandom();
    final Clock clock;
    final CertificateAuthority ca;
    RegistryFixture registry;
    final SoftwareToken token;
    private final TrustServer trust;

    /** Starts everything in {@code dir}; {@code members} are identifier and name, in pairs. */
    TrustedRegistry(Path dir, Clock clock, String... members)
            throws CaException, IOException, RegistryException, SigningException, TokenException {
        this(dir, clock, DatabaseSettings.embedded(), members);
    }

    /** As above, with the CA's and the registry's tables in {@code database}. */
    TrustedRegistry(Path dir, Clock clock, DatabaseSettings database, String... members)
            throws CaException, IOException, RegistryException, SigningException, TokenException {
        this.clock = clock;
        int port;
        port = FreePorts.one();
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", port);
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Demo CA", URI.create("http://127.0.0.1:" + port),
                listen, 365, database), Pin.of("ca-pin"), bc, random, clock);
        trust = TrustServer.start(ca, listen, clock, random);
        registry = new RegistryFixture(dir.resolve("registry"), clock, database);
        token = SoftwareToken.create(dir.resolve("server.p12"), Pin.of("ss-pin"), bc, random, clock);

        created(registry.admin("POST", "/api/v1/member-classes", Map.of("code", "GOV", "description", "Government")));
        for (int i = 0; i < members.length; i += 2) {
            created(registry.admin("POST", "/api/v1/members", Map.of("id", members[i], "name", members[i + 1])));
        }
        created(registry.admin("POST", "/api/v1/certification-authorities", Map.of(
                "certificate", Pem.encode(ca.caCertificate()), "ocspUrl", ca.settings().ocspUrl().toString())));
        created(registry.admin("POST", "/api/v1/timestamping-authorities", Map.of(
                "url", ca.settings().tsaUrl().toString(), "certificate", Pem.encode(ca.tsaCertificate()))));
    }

    static void created(Answer answer) {
        assertEquals(201, answer.status(), answer.raw().body());
    }

    /** A new key in the token with a certificate of {@code profile} for {@code identity} from the CA. */
    Credential credential(CertificateProfile profile, XRoadId identity)
            throws CaException, OcspException, SigningException, TokenException {
        SigningKey key = token.signingKey(token.generateKey());
        List<GeneralName> hosts = profile == CertificateProfile.AUTH
                ? List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")) : List.of();
        byte[] csr = Pem.encode(CsrBuilder.build(key, profile, identity, hosts)).getBytes(StandardCharsets.US_ASCII);
        X509Certificate cert = ca.issue(new IssueRequest(csr, profile, identity, List.of(), null)).certificate();
        token.importCertificate(key.keyId(), List.of(cert));
        return new Credential(key, cert, ocsp(cert));
    }

    /** A fresh OCSP response for {@code cert} from the running responder. */
    byte[] ocsp(X509Certificate cert) throws OcspException {
        return new OcspClient(HttpOcspTransport.withTimeout(Duration.ofSeconds(5)), clock, Duration.ofHours(1), bc,
                random).check(cert, ca.caCertificate()).encoded();
    }

    /** An authCertReg for {@code server} at 127.0.0.1:5500, signed by {@code auth} and {@code owner}. */
    String authCertReg(Credential auth, Credential owner, SecurityServerId server)
            throws CertificateEncodingException, SigningException {
        AuthCertRegRequest request = new AuthCertRegRequest(server, "127.0.0.1:5500",
                Base64.getEncoder().encodeToString(auth.certificate().getEncoded()), clock.instant());
        return ManagementRequests.authCertReg(request, auth.signer(), auth.ocsp(), owner.signer(), owner.ocsp());
    }

    /** Files a management request as a security server does. */
    Answer file(String signed) {
        return registry.call("POST", "/management/requests", null, signed, "application/jose");
    }

    /** Registers {@code server} of {@code owner}'s member: authCertReg filed and approved by an operator. */
    void register(SecurityServerId server, Credential owner)
            throws CaException, CertificateEncodingException, OcspException, SigningException, TokenException {
        Answer filed = file(authCertReg(credential(CertificateProfile.AUTH, server), owner, server));
        assertEquals(202, filed.status(), filed.raw().body());
        Answer approved = registry.admin("POST", "/api/v1/management-requests/" + filed.json().path("id").asLong()
                + "/approve", null);
        assertEquals(200, approved.status(), approved.raw().body());
    }

    /** Restarts the registry (same directory and state) with another clock; {@link #registry} is then the new one. */
    RegistryFixture reopenRegistry(Clock registryClock) throws IOException, RegistryException, SigningException {
        registry.close();
        registry = RegistryFixture.reopen(registry, registryClock);
        return registry;
    }

    @Override
    public void close() {
        registry.close();
        trust.close();
        ca.close();
    }
}
