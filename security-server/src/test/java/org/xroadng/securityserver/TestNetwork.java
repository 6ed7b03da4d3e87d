package org.xroadng.securityserver;

import org.xroadng.protocol.jws.SigningKey;

import org.xroadng.certs.token.TokenException;

import java.security.KeyStoreException;
import org.xroadng.certs.ca.CaException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.io.IOException;
import java.security.UnrecoverableKeyException;
import java.security.NoSuchAlgorithmException;
import org.xroadng.protocol.jws.SigningException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.xroadng.certs.Keys;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.ca.IssuedCertificate;
import org.xroadng.certs.ca.X509Issuer;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.ConfigurationClient;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.GlobalConfigurationCodec;
import org.xroadng.protocol.globalconf.HttpConfigurationSource;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.JcaSigningKey;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.testing.FreePorts;
import org.xroadng.securityserver.conf.AccessRight;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.LocalConfiguration;
import org.xroadng.securityserver.conf.LocalService;
import org.xroadng.securityserver.message.MessageSignatures;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.access.AccessLoggingLog;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.MemoryAccessLog;
import org.xroadng.auditlog.merkle.InMemoryMerkleLog;
import java.util.UUID;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * Two security servers, the trust services and a global configuration in one JVM, with a WireMock
 * provider information system (DESIGN.md section 8's cast): the tax board's and the bank's server
 * (consumer) and the population registry's server (provider, service {@code person}).
 */
final class TestNetwork implements AutoCloseable {

    static final MemberId POPULATION_MEMBER = MemberId.parse("DEMO/GOV/1001");
    static final MemberId TAX_MEMBER = MemberId.parse("DEMO/GOV/1002");
    static final MemberId BANK_MEMBER = MemberId.parse("DEMO/COM/2001");
    static final SubsystemId POPULATION = POPULATION_MEMBER.subsystem("population");
    static final SubsystemId TAX = TAX_MEMBER.subsystem("tax");
    static final SubsystemId LOANS = BANK_MEMBER.subsystem("loans");
    static final ServiceId PERSON = POPULATION.service("person");
    static final MemberId PORTAL_MEMBER = MemberId.parse("DEMO/GOV/1000");
    static final SubsystemId PORTAL = PORTAL_MEMBER.subsystem("portal");

    final Provider bc = new BouncyCastleProvider();
    final SecureRandom random = new SecureRandom();
    final MovableClock consumerClock = new MovableClock();
    final MovableClock providerClock = new MovableClock();
    final CertificateAuthority ca;
    final TrustServer trust;
    final WireMockServer providerIs;
    final TestServer consumer;
    final TestServer provider;
    final AtomicReference<LocalConfiguration> consumerConf = new AtomicReference<>();
    final AtomicReference<LocalConfiguration> providerConf = new AtomicReference<>();
    final IssuedCertificate taxCertificate;
    final IssuedCertificate bankCertificate;
    final IssuedCertificate populationCertificate;
    private final JwsSigner confSigner;
    private final X509Certificate confCertificate;
    private final HttpApiServer confServer;
    private final AtomicReference<String> published = new AtomicReference<>();
    private final AtomicLong version = new AtomicLong();
    private volatile UnaryOperator<GlobalConfiguration> confTweak = UnaryOperator.identity();
    DataPlane consumerPlane;
    DataPlane providerPlane;
    final TestWitness witness = new TestWitness();
    /** In memory; in H2 files with restricted accesses' secrets kept when made {@link #withRestrictedAccesses}. */
    final AccessLog consumerAccessLog;
    final AccessLog providerAccessLog;
    final IssuedCertificate portalCertificate;
    private final DataPlane.Limits limits;
    private final MessageSignatures signatures;

    TestNetwork(Path dir) throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this(dir, MessageLog.NONE, MessageLog.NONE);
    }

    /** A network whose consumer and provider servers write their exchanges to the given logs. */
    TestNetwork(Path dir, MessageLog consumerLog, MessageLog providerLog) throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this(dir, consumerLog, providerLog, DEFAULT_LIMITS);
    }

    /** Limits as a server's defaults, with 64 MB of bodies in flight. */
    static final DataPlane.Limits DEFAULT_LIMITS = new DataPlane.Limits(Duration.ofSeconds(30), Duration.ofSeconds(10),
            2000, 64L * 1024 * 1024);

    /** A network whose servers run with the given resource limits. */
    TestNetwork(Path dir, MessageLog consumerLog, MessageLog providerLog, DataPlane.Limits limits) throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this(dir, consumerLog, providerLog, limits, MessageSignatures.SINGLE);
    }

    /** A network whose servers both sign as {@code signatures}. */
    TestNetwork(Path dir, MessageLog consumerLog, MessageLog providerLog, DataPlane.Limits limits,
                MessageSignatures signatures) throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this(dir, consumerLog, providerLog, limits, signatures, null);
    }

    /** Where a member's signing key is made: in a token of the test's choosing (an HSM). */
    interface MemberKeys {
        SigningKey generate(MemberId member) throws TokenException;
    }

    /**
     * A network whose members' signing keys (on both servers) are made by {@code memberKeys}, or in
     * memory with Bouncy Castle when it is null.
     */
    TestNetwork(Path dir, MessageLog consumerLog, MessageLog providerLog, DataPlane.Limits limits,
                MessageSignatures signatures, MemberKeys memberKeys) throws CaException, CertificateEncodingException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        this(dir, consumerLog, providerLog, limits, signatures, memberKeys, false);
    }

    /**
     * A network whose servers keep their access logs in H2 files beside {@code dir}, with
     * restricted accesses' secrets encrypted as the message log keeps bodies: the servers disclose
     * them and their inspectors read them ({@link DataPlane#restrictedAccesses()}).
     */
    static TestNetwork withRestrictedAccesses(Path dir) throws CaException, CertificateEncodingException,
            CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException,
            UnrecoverableKeyException {
        return new TestNetwork(dir, MessageLog.NONE, MessageLog.NONE, DEFAULT_LIMITS, MessageSignatures.SINGLE, null,
                true);
    }

    private TestNetwork(Path dir, MessageLog consumerLog, MessageLog providerLog, DataPlane.Limits limits,
                        MessageSignatures signatures, MemberKeys memberKeys, boolean h2AccessLogs) throws CaException,
            CertificateEncodingException, CertificateException, IOException, KeyStoreException,
            NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        if (h2AccessLogs) {
            org.xroadng.auditlog.access.SealingCipher cipher = new org.xroadng.securityserver.log.access.SealedEventCipher(
                    new org.xroadng.securityserver.log.RecordCipher(org.xroadng.securityserver.log.MessageLogKey.of(
                            new byte[32]), new BouncyCastleProvider(), random));
            consumerAccessLog = org.xroadng.auditlog.access.store.H2AccessLog.open(
                    org.xroadng.protocol.store.DatabaseSettings.embedded(), dir.resolve("consumer-accesslog"), cipher);
            providerAccessLog = org.xroadng.auditlog.access.store.H2AccessLog.open(
                    org.xroadng.protocol.store.DatabaseSettings.embedded(), dir.resolve("provider-accesslog"), cipher);
        } else {
            consumerAccessLog = new MemoryAccessLog(new InMemoryMerkleLog());
            providerAccessLog = new MemoryAccessLog(new InMemoryMerkleLog());
        }
        this.limits = limits;
        this.signatures = signatures;
        Clock clock = Clock.systemUTC();
        int trustPort = FreePorts.one();
        InetSocketAddress trustAddress = new InetSocketAddress("127.0.0.1", trustPort);
        ca = CertificateAuthority.init(dir.resolve("ca"), new CaSettings("Test CA",
                URI.create("http://127.0.0.1:" + trustPort), trustAddress, 30), Pin.of("ca-pin"), bc, random, clock);
        trust = TrustServer.start(ca, trustAddress, clock, random);
        providerIs = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        providerIs.start();

        consumer = new TestServer(TAX_MEMBER.server("ss1"), ca, bc, random, address(), address());
        taxCertificate = addMember(consumer, TAX_MEMBER, memberKeys);
        bankCertificate = addMember(consumer, BANK_MEMBER, memberKeys);
        portalCertificate = addMember(consumer, PORTAL_MEMBER, memberKeys);
        provider = new TestServer(POPULATION_MEMBER.server("ss1"), ca, bc, random, address(), address());
        populationCertificate = addMember(provider, POPULATION_MEMBER, memberKeys);

        KeyPair confKeys = Keys.generateP256(bc, random);
        JcaSigningKey confKey = new JcaSigningKey("conf", confKeys.getPrivate(), confKeys.getPublic(), bc);
        confCertificate = X509Issuer.selfSigned(new X500Name("CN=DEMO configuration"), CertificateKind.CONFIGURATION_SIGN,
                confKey, Duration.ofDays(30), clock, random);
        confSigner = new JwsSigner(confKey, List.of(confCertificate));
        confServer = HttpApiServer.builder("globalconf").route("GET", "/globalconf", call -> {
            String signed = published.get();
            return HttpReply.of(200, GlobalConfigurationCodec.MEDIA_TYPE, signed.getBytes(StandardCharsets.US_ASCII));
        }).start();
        publish();

        consumerConf.set(new LocalConfiguration(consumer.serverId(), Map.of(
                TAX, new LocalClient(TAX, LocalClient.IsAuthentication.HTTP, Set.of(), true),
                LOANS, new LocalClient(LOANS, LocalClient.IsAuthentication.HTTP, Set.of(), true),
                PORTAL, new LocalClient(PORTAL, LocalClient.IsAuthentication.HTTP, Set.of(), true)),
                Map.of(), List.of(), Map.of()));
        providerConf.set(new LocalConfiguration(provider.serverId(), Map.of(
                POPULATION, new LocalClient(POPULATION, LocalClient.IsAuthentication.HTTP, Set.of(), true)),
                Map.of(PERSON, new LocalService(PERSON, URI.create(providerIs.baseUrl() + "/person-api"),
                        Duration.ofSeconds(10), false, true)),
                List.of(new AccessRight(PERSON, new AccessRight.SubsystemSubject(TAX), "*", "/**",
                        Set.of("tax-assessment"))),
                Map.of()));
        consumerPlane = start(consumer, consumerConf, consumerClock, consumerLog, consumerAccessLog);
        providerPlane = start(provider, providerConf, providerClock, providerLog, providerAccessLog);
    }

    private IssuedCertificate addMember(TestServer server, MemberId member, MemberKeys memberKeys) throws CaException,
            SigningException {
        if (memberKeys == null) {
            return server.addMember(member, ca, bc, random);
        }
        try {
            return server.addMember(member, ca, memberKeys.generate(member));
        } catch (TokenException e) {
            throw new SigningException("cannot make the signing key of " + member + ": " + e.getMessage(), e);
        }
    }

    private DataPlane start(TestServer server, AtomicReference<LocalConfiguration> conf, Clock clock, MessageLog messageLog,
                            AccessLog accessLog) throws CertificateEncodingException, IOException {
        MessageLog log = new AccessLoggingLog(messageLog, accessLog, UUID::randomUUID, new java.security.SecureRandom());
        Anchor anchor = anchor();
        ConfigurationClient client = new ConfigurationClient(anchor, new HttpConfigurationSource(anchor), clock, bc, null);
        DataPlane.Settings settings = new DataPlane.Settings(server.clientProxy(), address(), server.serverProxy(), 64 * 1024,
                Duration.ofHours(1), Duration.ofHours(1), 4, limits, signatures);
        return DataPlane.start(settings, server, conf::get, client, log,
                new DataPlane.AccessLogging(accessLog, witness, Duration.ofHours(1),
                        org.xroadng.securityserver.accesslog.CheckpointPublisher.PublishingTurn.ALWAYS, null,
                        accessLog instanceof org.xroadng.auditlog.access.store.H2AccessLog h2 ? h2.sealed() : null),
                ExchangeListener.NONE, bc, random,
                clock);
    }

    Anchor anchor() throws CertificateEncodingException {
        return new Anchor("DEMO", URI.create(confServer.baseUri() + "/globalconf"),
                Base64.getEncoder().encodeToString(confCertificate.getEncoded()));
    }

    /** The signed global configuration (compact JWS) published now. */
    String signedConfiguration() {
        return published.get();
    }

    /** Changes every configuration published from now on, then publishes and has both servers fetch it. */
    void tweakConfiguration(UnaryOperator<GlobalConfiguration> tweak) throws CertificateEncodingException, SigningException {
        confTweak = tweak;
        publish();
        consumerPlane.refreshNow();
        providerPlane.refreshNow();
    }

    /**
     * Changes every configuration published from now on and publishes, but only {@code fetching}
     * fetch it now: the others go on with the configuration they had (a server whose next
     * download is still ahead).
     */
    void tweakConfiguration(UnaryOperator<GlobalConfiguration> tweak, List<DataPlane> fetching)
            throws CertificateEncodingException, SigningException {
        confTweak = tweak;
        publish();
        fetching.forEach(DataPlane::refreshNow);
    }

    void publish() throws CertificateEncodingException, SigningException {
        Instant now = Clock.systemUTC().instant().truncatedTo(ChronoUnit.SECONDS);
        String caCert = Base64.getEncoder().encodeToString(ca.caCertificate().getEncoded());
        GlobalConfiguration conf = new GlobalConfiguration("DEMO", version.incrementAndGet(), now, now.plus(Duration.ofMinutes(10)),
                List.of(new GlobalConfiguration.MemberClass("GOV", "Government"), new GlobalConfiguration.MemberClass("COM", "Commercial")),
                List.of(new GlobalConfiguration.Member(POPULATION_MEMBER, "Population Registry", List.of("population")),
                        new GlobalConfiguration.Member(TAX_MEMBER, "Tax Board", List.of("tax")),
                        new GlobalConfiguration.Member(BANK_MEMBER, "Bank", List.of("loans")),
                        new GlobalConfiguration.Member(PORTAL_MEMBER, "Citizen portal", List.of("portal"))),
                new ArrayList<>(List.of(
                        new GlobalConfiguration.SecurityServer(consumer.serverId(), "127.0.0.1:" + consumer.serverProxy().getPort(),
                                List.of(AuthCertificateTrustManager.hash(consumer.authCertificate())), List.of(TAX, LOANS, PORTAL)),
                        new GlobalConfiguration.SecurityServer(provider.serverId(), "127.0.0.1:" + provider.serverProxy().getPort(),
                                List.of(AuthCertificateTrustManager.hash(provider.authCertificate())), List.of(POPULATION)))),
                List.of(new GlobalConfiguration.GlobalGroup(new GlobalGroupId("DEMO", "citizen-portals"), "Portals",
                        List.of(PORTAL.format()))),
                List.of(new GlobalConfiguration.ApprovedCa("Test CA", caCert, ca.settings().ocspUrl().toString())),
                List.of(new GlobalConfiguration.ApprovedTsa("Test TSA", ca.settings().tsaUrl().toString(),
                        Base64.getEncoder().encodeToString(ca.tsaCertificate().getEncoded()))),
                new GlobalConfiguration.Settings(3600, 14400));
        published.set(GlobalConfigurationCodec.sign(confTweak.apply(conf), confSigner));
    }

    GlobalConfiguration.SecurityServer serverEntry(TestServer server, List<SubsystemId> clients) {
        return new GlobalConfiguration.SecurityServer(server.serverId(), "127.0.0.1:" + server.serverProxy().getPort(),
                List.of(AuthCertificateTrustManager.hash(server.authCertificate())), clients);
    }

    /**
     * A further security server of the population registry ({@code DEMO/GOV/1001/<code>}) with a
     * WireMock IS of its own (so a test can tell which server served a request), the same service
     * and access rights as the first; listed in the global configuration from now on.
     */
    record ExtraProvider(TestServer server, WireMockServer is, DataPlane plane) implements AutoCloseable {
        @Override
        public void close() {
            plane.close();
            is.stop();
        }
    }

    ExtraProvider startExtraProvider(String serverCode) throws CaException, CertificateException, IOException,
            KeyStoreException, NoSuchAlgorithmException, SigningException, UnrecoverableKeyException {
        TestServer server = new TestServer(POPULATION_MEMBER.server(serverCode), ca, bc, random, address(), address());
        server.addMember(POPULATION_MEMBER, ca, bc, random);
        WireMockServer is = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        is.start();
        LocalConfiguration first = providerConf.get();
        AtomicReference<LocalConfiguration> conf = new AtomicReference<>(new LocalConfiguration(server.serverId(),
                first.clients(), Map.of(PERSON, new LocalService(PERSON, URI.create(is.baseUrl() + "/person-api"),
                        Duration.ofSeconds(10), false, true)), first.accessRights(), first.localGroups()));
        register(serverEntry(server, List.of(POPULATION)));
        DataPlane plane = start(server, conf, providerClock, MessageLog.NONE,
                new MemoryAccessLog(new InMemoryMerkleLog()));
        return new ExtraProvider(server, is, plane);
    }

    /** Adds {@code entry} to every configuration published from now on, publishes and has both servers fetch it. */
    void register(GlobalConfiguration.SecurityServer entry) throws CertificateEncodingException, SigningException {
        UnaryOperator<GlobalConfiguration> before = confTweak;
        confTweak = c -> {
            GlobalConfiguration tweaked = before.apply(c);
            List<GlobalConfiguration.SecurityServer> servers = new ArrayList<>(tweaked.securityServers());
            servers.add(entry);
            return new GlobalConfiguration(tweaked.instance(), tweaked.version(), tweaked.generatedAt(),
                    tweaked.expiresAt(), tweaked.memberClasses(), tweaked.members(), servers, tweaked.globalGroups(),
                    tweaked.approvedCas(), tweaked.approvedTsas(), tweaked.settings());
        };
        publish();
        consumerPlane.refreshNow();
        providerPlane.refreshNow();
    }

    /**
     * A TLS 1.3 server that holds a registered authentication certificate, so the consumer's
     * server trusts it, but drops each connection once it has read a request's head, unanswered,
     * as a provider's server that fails after the request reached it. Counts the requests it read.
     */
    TestServer startDropper(String serverCode, java.util.concurrent.atomic.AtomicInteger requests) throws CaException,
            CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException, SigningException,
            UnrecoverableKeyException, java.security.KeyManagementException {
        return startFake(serverCode, requests, null);
    }

    /**
     * A registered provider server (real certificate, TLS) that answers every request it reads with
     * {@code answer}, a whole HTTP response, and closes the connection.
     */
    TestServer startAnswering(String serverCode, java.util.concurrent.atomic.AtomicInteger requests, String answer)
            throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException,
            SigningException, UnrecoverableKeyException, java.security.KeyManagementException {
        return startFake(serverCode, requests, answer.getBytes(StandardCharsets.ISO_8859_1));
    }

    private TestServer startFake(String serverCode, java.util.concurrent.atomic.AtomicInteger requests, byte[] answer)
            throws CaException, CertificateException, IOException, KeyStoreException, NoSuchAlgorithmException,
            SigningException, UnrecoverableKeyException, java.security.KeyManagementException {
        TestServer server = new TestServer(POPULATION_MEMBER.server(serverCode), ca, bc, random, address(), address());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        tls.init(new javax.net.ssl.KeyManager[] {server.authKeyManager()}, null, random);
        javax.net.ssl.SSLServerSocket socket = (javax.net.ssl.SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(server.serverProxy().getPort(), 50, server.serverProxy().getAddress());
        Thread thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (java.net.Socket connection = socket.accept()) {
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                            connection.getInputStream(), StandardCharsets.ISO_8859_1));
                    String line = in.readLine();
                    while (line != null && !line.isEmpty()) {
                        line = in.readLine();
                    }
                    if (line != null) {
                        requests.incrementAndGet();
                        if (answer != null) {
                            connection.getOutputStream().write(answer);
                            connection.getOutputStream().flush();
                        }
                    }
                } catch (IOException e) {
                    // a failed handshake or a closed connection: on to the next
                }
            }
        }, "fake-" + serverCode);
        thread.setDaemon(true);
        thread.start();
        droppers.add(socket);
        register(serverEntry(server, List.of(POPULATION)));
        return server;
    }

    private final List<java.net.ServerSocket> droppers = new java.util.concurrent.CopyOnWriteArrayList<>();

    URI consumerUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + consumerPlane.clientProxyAddress().getPort() + pathAndQuery);
    }

    private static InetSocketAddress address() throws IOException {
        return new InetSocketAddress("127.0.0.1", FreePorts.one());
    }

    @Override
    public void close() {
        if (consumerPlane != null) {
            consumerPlane.close();
        }
        if (providerPlane != null) {
            providerPlane.close();
        }
        for (java.net.ServerSocket dropper : droppers) {
            try {
                dropper.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        confServer.close();
        for (AccessLog log : List.of(consumerAccessLog, providerAccessLog)) {
            if (log instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
        }
        providerIs.stop();
        trust.close();
        ca.close();
    }
}
