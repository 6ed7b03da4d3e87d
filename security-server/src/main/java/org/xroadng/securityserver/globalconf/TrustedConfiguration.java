package org.xroadng.securityserver.globalconf;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.transport.AuthCertificateTrustManager;

/**
 * A verified, unexpired global configuration with what the proxies look up on every message
 * worked out once per configuration version: the approved CA certificates parsed, the servers by
 * id and by the clients they host, the fingerprint of peer trust.
 */
public final class TrustedConfiguration {

    /** Peers authenticate with few certificates; the hashes of more are computed again. */
    private static final int HASH_CACHE_LIMIT = 1024;

    private final GlobalConfiguration configuration;
    private final List<X509Certificate> approvedCas;
    private final String peerTrustFingerprint;
    private final Duration ocspFreshness;
    private final Map<SecurityServerId, GlobalConfiguration.SecurityServer> servers;
    private final Map<SecurityServerId, Set<SubsystemId>> clientsOf;
    private final Map<SubsystemId, List<GlobalConfiguration.SecurityServer>> hostsOf;
    private final Map<X509Certificate, String> certificateHashes = new ConcurrentHashMap<>();

    private TrustedConfiguration(GlobalConfiguration configuration, List<X509Certificate> approvedCas) {
        this.configuration = configuration;
        this.approvedCas = List.copyOf(approvedCas);
        this.peerTrustFingerprint = fingerprint(configuration);
        this.ocspFreshness = Duration.ofSeconds(configuration.settings().ocspFreshnessSeconds());
        Map<SecurityServerId, GlobalConfiguration.SecurityServer> byId = new HashMap<>();
        Map<SecurityServerId, Set<SubsystemId>> clients = new HashMap<>();
        Map<SubsystemId, List<GlobalConfiguration.SecurityServer>> hosts = new LinkedHashMap<>();
        for (GlobalConfiguration.SecurityServer server : configuration.securityServers()) {
            if (byId.putIfAbsent(server.id(), server) == null) { // the first entry of an id, as a search would find it
                clients.put(server.id(), Set.copyOf(server.clients()));
            }
            for (SubsystemId client : Set.copyOf(server.clients())) {
                hosts.computeIfAbsent(client, c -> new ArrayList<>()).add(server);
            }
        }
        hosts.replaceAll((client, list) -> List.copyOf(list));
        this.servers = Map.copyOf(byId);
        this.clientsOf = Map.copyOf(clients);
        this.hostsOf = Map.copyOf(hosts);
    }

    /** The configuration with its lookups worked out once. */
    public static TrustedConfiguration of(GlobalConfiguration configuration, List<X509Certificate> approvedCas) {
        return new TrustedConfiguration(configuration, approvedCas);
    }

    public GlobalConfiguration configuration() {
        return configuration;
    }

    /** The approved CA certificates that could be read. */
    public List<X509Certificate> approvedCas() {
        return approvedCas;
    }

    /**
     * A fingerprint of everything that decides which peers are trusted (servers, their addresses
     * and auth certificates, approved CAs). Connections made under another fingerprint must not be
     * reused: a peer may have been removed meanwhile.
     */
    public String peerTrustFingerprint() {
        return peerTrustFingerprint;
    }

    public Duration ocspFreshness() {
        return ocspFreshness;
    }

    /** The servers that host the client, in the order the registry lists them. */
    public List<GlobalConfiguration.SecurityServer> serversHosting(SubsystemId client) {
        return hostsOf.getOrDefault(client, List.of());
    }

    /** The registered server with this id. */
    public Optional<GlobalConfiguration.SecurityServer> securityServer(SecurityServerId id) {
        return Optional.ofNullable(servers.get(id));
    }

    /**
     * The member that owns the registered server {@code id} now: the member its identifier names
     * until an approved {@code ownerChange} names another (docs/registry.md, "Owner change").
     */
    public Optional<MemberId> ownerOf(SecurityServerId id) {
        return Optional.ofNullable(servers.get(id)).map(GlobalConfiguration.SecurityServer::owner);
    }

    /**
     * Whether {@code server} is registered as a host of {@code client}: a subsystem when the
     * registry lists it among the server's clients; a member (a member-level client) when it owns
     * the registered server now ({@link #ownerOf}), as X-Road's owner member is always a client of
     * its own server.
     */
    public boolean hosts(SecurityServerId server, ClientId client) {
        if (client instanceof MemberId member) {
            GlobalConfiguration.SecurityServer registered = servers.get(server);
            return registered != null && registered.owner().equals(member);
        }
        Set<SubsystemId> clients = clientsOf.get(server);
        return clients != null && clients.contains(client);
    }

    /**
     * Whether {@code client} is registered on {@code server} but suspended there by a
     * {@code clientDisable} request: {@link #hosts} is then false, and this says why.
     */
    public boolean disabledOn(SecurityServerId server, ClientId client) {
        GlobalConfiguration.SecurityServer registered = servers.get(server);
        return registered != null && client instanceof SubsystemId subsystem
                && registered.disabledClients().contains(subsystem);
    }

    /** Whether {@code client} is suspended on some server and hosted, unsuspended, on none. */
    public boolean disabled(SubsystemId client) {
        return serversHosting(client).isEmpty() && servers.values().stream()
                .anyMatch(server -> server.disabledClients().contains(client));
    }

    /**
     * Whether {@code certificate} is registered as an authentication certificate of {@code server}
     * (its SHA-256, as {@link AuthCertificateTrustManager#hash} computes it, is listed). The hash
     * of a certificate is computed once per configuration. No certificate (null) authenticates no one.
     */
    public boolean authenticates(SecurityServerId server, X509Certificate certificate) {
        GlobalConfiguration.SecurityServer registered = servers.get(server);
        if (registered == null) {
            return false;
        }
        if (certificate == null) {
            return registered.authCertificateHashes().contains("");
        }
        String hash = certificateHashes.get(certificate);
        if (hash == null) {
            hash = AuthCertificateTrustManager.hash(certificate);
            if (certificateHashes.size() >= HASH_CACHE_LIMIT) {
                certificateHashes.clear();
            }
            certificateHashes.put(certificate, hash);
        }
        return registered.authCertificateHashes().contains(hash);
    }

    private static String fingerprint(GlobalConfiguration configuration) {
        StringBuilder text = new StringBuilder();
        configuration.securityServers().stream()
                .map(s -> s.id().format() + "|" + s.address() + "|" + String.join(",", s.authCertificateHashes()))
                .sorted().forEach(line -> text.append(line).append('\n'));
        configuration.approvedCas().stream().map(GlobalConfiguration.ApprovedCa::certificate).sorted()
                .forEach(line -> text.append(line).append('\n'));
        return org.xroadng.securityserver.message.MessageHashes.sha256(text.toString());
    }

    /** The approved CA that issued {@code certificate} (by name, then signature), if any. */
    public Optional<X509Certificate> issuerOf(X509Certificate certificate) {
        for (X509Certificate ca : approvedCas) {
            if (ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                try {
                    certificate.verify(ca.getPublicKey());
                    return Optional.of(ca);
                } catch (java.security.GeneralSecurityException e) {
                    // Same name, other key: keep looking.
                }
            }
        }
        return Optional.empty();
    }
}
