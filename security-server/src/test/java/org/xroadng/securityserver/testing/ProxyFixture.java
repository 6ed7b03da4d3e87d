package org.xroadng.securityserver.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.certs.Keys;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.IssueRequest;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.ocsp.OcspResponder;
import org.xroadng.certs.ocsp.OcspTransport;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.ConfigurationSource;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.GlobalConfigurationCodec;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.securityserver.globalconf.GlobalConfHolder;
import org.xroadng.securityserver.message.OwnOcspResponses;
import org.xroadng.securityserver.message.ServerIdentity;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * The trust parts of a consumer's and a provider's security server, built in one JVM without any
 * network: a real CA (in a temporary directory) with its OCSP responder answering in-process, each
 * server's auth key and its member's signing key certified by that CA, and a global configuration
 * signed by a configuration key and served from memory. Tests build the real signer, verifier and
 * proxy services from these parts.
 */
public final class ProxyFixture implements AutoCloseable {

    public static final MemberId CONSUMER_MEMBER = MemberId.parse("DEMO/GOV/1002");
    public static final MemberId PROVIDER_MEMBER = MemberId.parse("DEMO/GOV/1001");
    public static final SubsystemId CLIENT = CONSUMER_MEMBER.subsystem("tax");
    public static final SubsystemId PROVIDER = PROVIDER_MEMBER.subsystem("population");
    public static final ServiceId SERVICE = PROVIDER.service("person");

    public final Provider bc = new BouncyCastleProvider();
    public final SecureRandom random = new SecureRandom();
    public final Clock clock = Clock.systemUTC();
    public final CertificateAuthority ca;
    public final Server consumer;
    public final Server provider;
    private final OcspResponder responder;
    private final X509Certificate confCertificate;
    private final JwsSigner confSigner;
    private final GlobalConfiguration configuration;
    private final String signedConfiguration;

    public ProxyFixture(Path dir) throws CaException, GeneralSecurityException, IOException, SigningException,
            TokenException {
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Test CA", URI.create("http://127.0.0.1:9"),
                new InetSocketAddress("127.0.0.1", 9), 30), Pin.of("ca-pin"), bc, random, clock);
        responder = new OcspResponder(ca.caCertificate(), ca.ocspCertificate(), ca.ocspKey(), ca.statusSource(),
                clock, Duration.ofHours(1));
        consumer = new Server(CONSUMER_MEMBER.server("ss1"), CONSUMER_MEMBER);
        provider = new Server(PROVIDER_MEMBER.server("ss1"), PROVIDER_MEMBER);
        KeyPair confKeys = Keys.generateP256(bc, random);
        JcaSigningKey confKey = new JcaSigningKey("conf", confKeys.getPrivate(), confKeys.getPublic(), bc);
        confCertificate = X509Issuer.selfSigned(new X500Name("CN=DEMO configuration"), CertificateKind.CONFIGURATION_SIGN,
                confKey, Duration.ofDays(30), clock, random);
        confSigner = new JwsSigner(confKey, List.of(confCertificate));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        configuration = new GlobalConfiguration("DEMO", 1, now, now.plus(Duration.ofMinutes(10)),
                List.of(new GlobalConfiguration.MemberClass("GOV", "Government")),
                List.of(new GlobalConfiguration.Member(PROVIDER_MEMBER, "Population Registry", List.of("population")),
                        new GlobalConfiguration.Member(CONSUMER_MEMBER, "Tax Board", List.of("tax"))),
                List.of(consumer.entry(List.of(CLIENT)), provider.entry(List.of(PROVIDER))),
                List.of(),
                List.of(new GlobalConfiguration.ApprovedCa("Test CA",
                        Base64.getEncoder().encodeToString(ca.caCertificate().getEncoded()), ca.settings().ocspUrl().toString())),
                List.of(),
                new GlobalConfiguration.Settings(3600, 14400));
        signedConfiguration = GlobalConfigurationCodec.sign(configuration, confSigner);
    }

    /** The CA's OCSP responder, answering in this JVM. */
    public OcspTransport ocspTransport() {
        return (responderUri, request) -> responder.respond(request);
    }

    /** The global configuration both servers trust: the two servers, their clients, the CA. */
    public GlobalConfiguration configuration() {
        return configuration;
    }

    /** A holder that has downloaded and verified the configuration. */
    public GlobalConfHolder globalConf() throws CertificateEncodingException {
        Anchor anchor = new Anchor("DEMO", URI.create("http://127.0.0.1:9/globalconf"),
                Base64.getEncoder().encodeToString(confCertificate.getEncoded()));
        ConfigurationSource source = etag -> ConfigurationSource.Download.of(signedConfiguration, null);
        GlobalConfHolder holder = new GlobalConfHolder(new ConfigurationClient(anchor, source, clock, bc, null));
        holder.refresh();
        return holder;
    }

    /** The server's own OCSP responses, fetched from the in-process responder. */
    public OwnOcspResponses ownOcsp(ServerIdentity server, GlobalConfHolder globalConf) {
        OwnOcspResponses responses = new OwnOcspResponses(server, globalConf, ocspTransport(), clock, bc, random);
        responses.refresh();
        return responses;
    }

    /** A signing key certified for {@code member} by the CA, with its chain. */
    public ServerIdentity.MemberKey memberKey(MemberId member) throws CaException, SigningException {
        KeyPair pair = Keys.generateP256(bc, random);
        SigningKey key = new JcaSigningKey("sign-" + member.format(), pair.getPrivate(), pair.getPublic(), bc);
        return new ServerIdentity.MemberKey(member, key, List.of(issue(key, CertificateProfile.SIGN, member, List.of())));
    }

    private X509Certificate issue(SigningKey key, CertificateProfile profile, org.xroadng.protocol.id.XRoadId identity,
                                  List<GeneralName> hosts) throws CaException, SigningException {
        byte[] csr = Pem.encode(CsrBuilder.build(key, profile, identity, hosts)).getBytes(StandardCharsets.US_ASCII);
        return ca.issue(new IssueRequest(csr, profile, identity, List.of(), null)).certificate();
    }

    @Override
    public void close() {
        ca.close();
    }

    /** One security server's keys: its auth key (TLS) and its owner member's signing key. */
    public final class Server implements ServerIdentity {

        private final SecurityServerId id;
        private final X509Certificate authCertificate;
        private final X509KeyManager keyManager;
        private final Map<MemberId, MemberKey> signingKeys = new HashMap<>();

        Server(SecurityServerId id, MemberId member) throws CaException, GeneralSecurityException, IOException,
                SigningException {
            this.id = id;
            KeyPair auth = Keys.generateP256(bc, random);
            authCertificate = issue(new JcaSigningKey("auth", auth.getPrivate(), auth.getPublic(), bc),
                    CertificateProfile.AUTH, id, List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("auth", auth.getPrivate(), "pw".toCharArray(), new Certificate[] {authCertificate});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, "pw".toCharArray());
            keyManager = (X509KeyManager) factory.getKeyManagers()[0];
            signingKeys.put(member, memberKey(member));
        }

        GlobalConfiguration.SecurityServer entry(List<SubsystemId> clients) {
            return new GlobalConfiguration.SecurityServer(id, "127.0.0.1:9",
                    List.of(AuthCertificateTrustManager.hash(authCertificate)), clients);
        }

        public X509Certificate authCertificate() {
            return authCertificate;
        }

        @Override
        public SecurityServerId serverId() {
            return id;
        }

        @Override
        public X509KeyManager authKeyManager() {
            return keyManager;
        }

        @Override
        public Optional<MemberKey> signingKey(MemberId member) {
            return Optional.ofNullable(signingKeys.get(member));
        }

        @Override
        public List<X509Certificate> ownCertificates() {
            List<X509Certificate> all = new ArrayList<>();
            all.add(authCertificate);
            signingKeys.values().forEach(k -> all.add(k.chain().get(0)));
            return all;
        }
    }
}
