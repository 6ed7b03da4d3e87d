package org.xroadng.cli.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CaSettings;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.trust.TrustServer;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.registry.RegistryException;
import org.xroadng.registry.RegistryHome;
import org.xroadng.registry.RegistryServer;
import org.xroadng.registry.RegistrySettings;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.log.Durability;
import org.xroadng.securityserver.message.MessageSignatures;

/**
 * A whole demo network in one process on loopback, its state in a data directory: the trust
 * services (CA, OCSP responder, TSA), the central registry, two independent transparency
 * witnesses ({@link DemoWitness}), the tax board's and the population
 * registry's security servers, the sample provider IS, the citizen portal and its development
 * identity provider, on the ports of {@link DemoPorts}.
 * {@link #start} opens what the directory already holds and creates the rest, then enrols
 * everything through the components' APIs ({@link DemoEnrolment}); {@link #close} stops the
 * components in the reverse order of their start.
 *
 * <p>Layout of the data directory: {@code ca/}, {@code registry/}, {@code anchor.json},
 * {@code servers/DEMO_GOV_1002_ss1/}, {@code servers/DEMO_GOV_1001_ss1/} (and {@code _ss2/}... with
 * more than one provider server), {@code witnesses/ombudsman/},
 * {@code witnesses/university/}, {@code idp/} (the identity provider's key), {@code demo-state.json},
 * {@code demo.lock} (locked while a demo runs there: {@link DemoLock}) and, once ready,
 * {@code network.json}. Every token uses {@link #DEVELOPMENT_PIN}.
 */
public final class DemoNetwork implements AutoCloseable {

    /** The registry console's first user, made by the demo with the admin role. */
    public static final String REGISTRY_CONSOLE_USER = "registrar";


    /** The PIN of every token the demo creates. For development only: it is printed and documented. */
    public static final String DEVELOPMENT_PIN = "demo-development-pin";
    public static final String ANCHOR_FILE = "anchor.json";

    private final Path dir;
    private final DemoPorts ports;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private CertificateAuthority ca;
    private RegistryHome registryHome;
    private String registryApiKey;
    private String registryConsolePassword;
    private SampleProviderIs providerIs;
    private DemoServer consumer;
    private final List<DemoServer> providers = new java.util.ArrayList<>();
    private DemoPortal portal;
    private final List<DemoWitness> witnesses = new java.util.ArrayList<>();
    private DemoState state;
    /** The claim on {@link #dir}, held until every component is stopped. */
    private DemoLock lock;

    private DemoNetwork(Path dir, DemoPorts ports) {
        this.dir = dir;
        this.ports = ports;
    }

    /**
     * Starts the network in {@code dir} on {@code ports} and enrols it; on failure everything
     * started so far is stopped again.
     */
    public static DemoNetwork start(Path dir, DemoPorts ports, Provider provider, SecureRandom random, Clock clock,
                                    Progress progress) throws DemoException {
        return start(dir, ports, true, Durability.FSYNC, provider, random, clock, progress);
    }

    /**
     * As {@link #start(Path, DemoPorts, Provider, SecureRandom, Clock, Progress)}, optionally with the
     * servers' message logs off (for measuring what the log costs; never for a real network) and
     * with the given durability for new servers' logs ({@code messageLogDurability}).
     */
    public static DemoNetwork start(Path dir, DemoPorts ports, boolean messageLog, Durability durability,
                                    Provider provider, SecureRandom random, Clock clock, Progress progress)
            throws DemoException {
        return start(dir, ports, messageLog, durability, ServerSettings.DEFAULT_MESSAGE_SIGNATURES, provider, random,
                clock, progress);
    }

    /** As above, with new servers signing as {@code signatures} ({@code messageSignatures}). */
    public static DemoNetwork start(Path dir, DemoPorts ports, boolean messageLog, Durability durability,
                                    MessageSignatures signatures, Provider provider, SecureRandom random, Clock clock,
                                    Progress progress)
            throws DemoException {
        return start(dir, ports, messageLog, durability, signatures, null, provider, random, clock, progress);
    }

    /**
     * As above, with the first provider server (the population registry's) made as the first node
     * of a cluster ({@code providerCluster}; null: an ordinary server), for showing and testing
     * clustered nodes; the other nodes are started by the caller from a copy of its directory.
     */
    public static DemoNetwork start(Path dir, DemoPorts ports, boolean messageLog, Durability durability,
                                    MessageSignatures signatures, DemoServer.Cluster providerCluster, Provider provider,
                                    SecureRandom random, Clock clock, Progress progress)
            throws DemoException {
        Path absolute = dir.toAbsolutePath().normalize();
        DemoNetwork network = new DemoNetwork(absolute, ports);
        // A directory in use is named as such before its ports are tried (they are the running demo's).
        if (Files.isDirectory(absolute)) {
            network.lock = DemoLock.acquire(absolute, ports);
        }
        try {
            ports.requireFree();
            Files.createDirectories(absolute);
            if (network.lock == null) {
                network.lock = DemoLock.acquire(absolute, ports);
            }
            DemoState state = DemoState.load(absolute, ports);
            network.state = state;
            network.startComponents(state, messageLog, durability, signatures, providerCluster, provider, random,
                    clock, progress);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            new DemoEnrolment(network, http, progress).run();
            network.portal = DemoPortal.start(absolute, ports, network.consumer.clientProxyUrl(), network.anchorFile(),
                    provider, random, clock);
            network.started.push(network.portal);
            progress.note("  started citizen portal on " + network.portal.url() + " and development identity provider on "
                    + network.portal.identityProviderUrl());
            return network;
        } catch (DemoException | RuntimeException e) {
            network.close();
            throw e;
        } catch (IOException e) {
            network.close();
            throw new DemoException("cannot create the data directory " + absolute + ": " + e.getMessage(), e);
        }
    }

    private void startComponents(DemoState state, boolean messageLog, Durability durability,
                                 MessageSignatures signatures, DemoServer.Cluster providerCluster, Provider provider,
                                 SecureRandom random, Clock clock, Progress progress)
            throws DemoException {
        try {
            Path caDir = dir.resolve("ca");
            boolean existing = Files.exists(caDir.resolve(CaSettings.FILE));
            ca = existing ? CertificateAuthority.open(caDir, pin(), provider, random, clock)
                    : CertificateAuthority.init(caDir, new CaSettings("Demo CA", DemoPorts.http(ports.trust()),
                    DemoPorts.address(ports.trust()), 365), pin(), provider, random, clock);
            started.push(ca);
            started.push(TrustServer.start(ca, DemoPorts.address(ports.trust()), clock, random));
            progress.note("  " + (existing ? "opened " : "created") + " trust services (CA, OCSP, TSA) on " + trustUrl());
        } catch (CaException e) {
            throw new DemoException("trust services: " + e.getMessage(), e);
        }
        startRegistry(state, provider, random, clock, progress);
        int[] witnessPorts = {ports.ombudsmanWitness(), ports.universityWitness()};
        for (int i = 0; i < DemoWitness.ALL.size(); i++) {
            DemoWitness witness = DemoWitness.start(DemoWitness.ALL.get(i), dir.resolve("witnesses"), witnessPorts[i],
                    anchorFile(), provider, random, clock, progress);
            started.push(witness);
            witnesses.add(witness);
        }
        try {
            providerIs = SampleProviderIs.start(DemoPorts.address(ports.providerIs()));
            started.push(providerIs);
            progress.note("  started sample provider IS on " + providerIs.baseUri());
        } catch (IOException e) {
            throw new DemoException("sample provider IS: cannot listen on port " + ports.providerIs() + ": "
                    + e.getMessage(), e);
        }
        consumer = DemoServer.start(DemoCast.CONSUMER_SERVER, List.of(DemoCast.TAX, DemoCast.LOANS, DemoCast.PORTAL),
                dir, ports.consumerClientProxy(), ports.consumerServerProxy(), ports.consumerAdmin(), state, messageLog,
                durability, signatures, null, provider, random, clock, progress);
        started.push(consumer);
        for (int n = 1; n <= ports.providerServers(); n++) {
            DemoServer server = DemoServer.start(DemoCast.providerServer(n), List.of(DemoCast.POPULATION), dir,
                    ports.providerClientProxy(n), ports.providerServerProxy(n), ports.providerAdmin(n), state,
                    messageLog, durability, signatures, n == 1 ? providerCluster : null, provider, random, clock,
                    progress);
            started.push(server);
            providers.add(server);
        }
    }

    private void startRegistry(DemoState state, Provider provider, SecureRandom random, Clock clock, Progress progress)
            throws DemoException {
        Path registryDir = dir.resolve("registry");
        try {
            boolean existing = Files.exists(registryDir.resolve(RegistrySettings.FILE));
            if (existing) {
                registryHome = RegistryHome.open(registryDir, pin(), provider, random, clock);
                started.push(registryHome);
                registryApiKey = state.registryApiKey().orElseThrow(() -> new DemoException("the registry in "
                        + registryDir + " exists but its admin API key is not in " + DemoState.FILE
                        + "; remove the data directory to start afresh"));
            } else {
                RegistrySettings settings = new RegistrySettings(DemoCast.INSTANCE, DemoPorts.http(ports.registry()),
                        DemoPorts.address(ports.registry()), 60);
                RegistryHome.Initialized created = RegistryHome.init(registryDir, settings, pin(), provider, random, clock);
                registryHome = created.home();
                started.push(registryHome);
                registryApiKey = created.adminKey().key();
                state.registryApiKey(registryApiKey);
            }
            Optional<String> consolePassword = state.registryConsolePassword();
            if (consolePassword.isPresent()) {
                registryConsolePassword = consolePassword.get();
            } else {
                byte[] secret = new byte[15];
                random.nextBytes(secret);
                registryConsolePassword = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
                state.registryConsolePassword(registryConsolePassword);
            }
            AnchorFile.write(anchorFile(), registryHome.anchor());
            started.push(RegistryServer.start(registryHome.registry(), registryHome.settings()));
            progress.note("  " + (existing ? "opened " : "created") + " central registry on " + registryUrl());
        } catch (RegistryException e) {
            throw new DemoException("central registry: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DemoException("central registry: cannot listen on port " + ports.registry() + " or write the"
                    + " anchor: " + e.getMessage(), e);
        } catch (SigningException e) {
            throw new DemoException("central registry: the configuration signing key failed: " + e.getMessage(), e);
        }
    }

    /** A fresh copy of the development PIN (a token may clear the one it is given). */
    static Pin pin() {
        return Pin.of(DEVELOPMENT_PIN);
    }

    public Path dir() {
        return dir;
    }

    public DemoPorts ports() {
        return ports;
    }

    public Path anchorFile() {
        return dir.resolve(ANCHOR_FILE);
    }

    public URI trustUrl() {
        return DemoPorts.http(ports.trust());
    }

    CertificateAuthority ca() {
        return ca;
    }

    public Path caCertificateFile() {
        return dir.resolve("ca").resolve(CertificateAuthority.CA_CERT_FILE);
    }

    public URI ocspUrl() {
        return ca.settings().ocspUrl();
    }

    public URI tsaUrl() {
        return ca.settings().tsaUrl();
    }

    public URI registryUrl() {
        return DemoPorts.http(ports.registry());
    }

    public String registryApiKey() {
        return registryApiKey;
    }

    /** The registry's operator console, at {@code /} of its port. */
    public URI registryConsoleUrl() {
        return URI.create(registryUrl() + "/");
    }

    /** The password of the registry console's first user, {@link #REGISTRY_CONSOLE_USER} (development data). */
    public String registryConsolePassword() {
        return registryConsolePassword;
    }

    /** Where the service {@code person} points: the sample provider IS's {@code /person}. */
    public URI personServiceUrl() {
        return URI.create(providerIs.baseUri() + "/person");
    }

    /** Where the OpenAPI description of {@code person} is read from: the sample provider IS's {@code /openapi.yaml}. */
    public URI personDescriptionUrl() {
        return URI.create(providerIs.baseUri() + "/openapi.yaml");
    }

    /** Where the WSDL of {@code personSoap} is read from: the sample provider IS's {@code /person.wsdl}. */
    public URI personWsdlUrl() {
        return URI.create(providerIs.baseUri() + "/person.wsdl");
    }

    public URI providerIsUrl() {
        return providerIs.baseUri();
    }

    /** The tax board's server: the consumer side, hosting the tax board, the bank and the portal. */
    public DemoServer consumer() {
        return consumer;
    }

    /** The population registry's (first) server: the provider side. */
    public DemoServer provider() {
        return providers.get(0);
    }

    /** Every server of the population registry, {@code ss1} first ({@link DemoPorts#providerServers()}). */
    public List<DemoServer> providers() {
        return List.copyOf(providers);
    }

    /** The citizen portal and its development identity provider, once enrolment is done. */
    DemoPortal portal() {
        return portal;
    }

    /** The independent transparency witnesses: the demo's ombudsman's, then the university's. */
    public List<DemoWitness> witnesses() {
        return List.copyOf(witnesses);
    }

    /** The tax board's server, then the population registry's. */
    public List<DemoServer> servers() {
        List<DemoServer> all = new java.util.ArrayList<>();
        all.add(consumer);
        all.addAll(providers);
        return List.copyOf(all);
    }

    /**
     * Has the registry publish a new configuration version now, with what the last one held (as
     * it does every {@code refreshSeconds}), and every security server take it up at once.
     *
     * @return the version every server now holds
     * @throws DemoException when the registry cannot sign it or a server did not take it up
     */
    public long publishConfiguration() throws DemoException {
        long version;
        try {
            version = registryHome.registry().publish().version();
        } catch (SigningException e) {
            throw new DemoException("the registry cannot sign a new global configuration: " + e.getMessage(), e);
        }
        for (DemoServer server : servers()) {
            server.refresh();
            long held = server.configurationVersion();
            if (held != version) {
                throw new DemoException("security server " + server.id().format() + " holds global configuration"
                        + " version " + held + " after a refresh, not the " + version + " the registry published"
                        + " (its log says why)");
            }
        }
        return version;
    }

    /** Stops everything started, newest first; safe to call more than once. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // Keep stopping the rest: one component failing to stop must not keep others running.
            }
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /** The identifiers of the subsystems a server hosts. */
    static List<String> format(List<SubsystemId> clients) {
        return clients.stream().map(SubsystemId::format).toList();
    }

    static String dirName(SecurityServerId server) {
        return server.format().replace('/', '_');
    }

    /** What the demo remembers between runs (keys shown once). */
    DemoState state() {
        return state;
    }

    /**
     * The API key of the population registry's server's data protection inspector (role
     * {@code inspector}): it reads restricted accesses, each reading logged for the citizen.
     */
    public String inspectorApiKey() {
        return state.inspectorApiKey(provider().id()).orElse(null);
    }
}
