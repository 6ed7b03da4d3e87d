package org.xroadng.securityserver.conf;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * One security server's own configuration, as an immutable snapshot that the proxies read on every
 * message without locking: which clients it hosts and how their information systems authenticate,
 * which services it provides and where, the access rights (default deny) and the local groups.
 * The admin API changes the stored configuration and publishes a new snapshot.
 */
public record LocalConfiguration(SecurityServerId serverId, Map<SubsystemId, LocalClient> clients,
                                 Map<ServiceId, LocalService> services, List<AccessRight> accessRights,
                                 Map<String, LocalGroup> localGroups) {

    public LocalConfiguration {
        Objects.requireNonNull(serverId, "serverId");
        clients = Map.copyOf(clients);
        services = Map.copyOf(services);
        accessRights = List.copyOf(accessRights);
        localGroups = Map.copyOf(localGroups);
    }

    public Optional<LocalClient> client(SubsystemId id) {
        return Optional.ofNullable(clients.get(id));
    }

    /** A client this server hosts and how its information system must authenticate to the client proxy. */
    public record HostedClient(ClientId id, LocalClient.IsAuthentication authentication,
                               Set<String> pinnedCertificateHashes) {
        public HostedClient {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(authentication, "authentication");
            pinnedCertificateHashes = Set.copyOf(pinnedCertificateHashes);
        }
    }

    /**
     * The hosted client {@code id}: a subsystem added to this server, authenticated as set for it;
     * or this server's owner member calling without a subsystem (X-Road's owner member is always a
     * client of its own server). The owner's information system authenticates as strictly as the
     * strictest of the owner's subsystems here: when any of them must use HTTPS, so must the owner,
     * with a certificate pinned for one of those subsystems. Other members are not hosted.
     */
    public Optional<HostedClient> hostedClient(ClientId id) {
        if (id instanceof SubsystemId subsystem) {
            return client(subsystem).map(c -> new HostedClient(c.id(), c.authentication(), c.pinnedCertificateHashes()));
        }
        if (!id.equals(serverId.owner())) {
            return Optional.empty();
        }
        Set<String> pins = new HashSet<>();
        boolean https = false;
        for (LocalClient client : clients.values()) {
            if (client.id().member().equals(id) && client.authentication() == LocalClient.IsAuthentication.HTTPS) {
                https = true;
                pins.addAll(client.pinnedCertificateHashes());
            }
        }
        return Optional.of(new HostedClient(id, https ? LocalClient.IsAuthentication.HTTPS
                : LocalClient.IsAuthentication.HTTP, pins));
    }

    public Optional<LocalService> service(ServiceId id) {
        return Optional.ofNullable(services.get(id));
    }

    /**
     * Whether {@code client} may call {@code method path} of {@code service} for {@code purpose}
     * (null when the request named none). Default deny: only a matching access right allows.
     * When a right matches the client, method and path but not the purpose, the answer is
     * {@link AccessDecision#PURPOSE_NOT_ALLOWED}, so the caller learns what to fix.
     */
    public AccessDecision decide(ServiceId service, ClientId client, String method, String path, String purpose,
                                 GlobalConfiguration global) {
        AccessDecision decision = AccessDecision.DENIED;
        for (AccessRight right : accessRights) {
            if (!right.service().equals(service) || !right.matchesEndpoint(method, path)
                    || !matchesSubject(right.subject(), client, global)) {
                continue;
            }
            if (right.allowsPurpose(purpose)) {
                return AccessDecision.ALLOWED;
            }
            decision = AccessDecision.PURPOSE_NOT_ALLOWED;
        }
        return decision;
    }

    private boolean matchesSubject(AccessRight.Subject subject, ClientId client, GlobalConfiguration global) {
        if (subject instanceof AccessRight.SubsystemSubject s) {
            return s.id().equals(client);
        }
        if (subject instanceof AccessRight.GlobalGroupSubject g) {
            return global.globalGroup(g.id()).map(group -> group.contains(client)).orElse(false);
        }
        AccessRight.LocalGroupSubject l = (AccessRight.LocalGroupSubject) subject;
        LocalGroup group = localGroups.get(l.code());
        return group != null && group.members().contains(client);
    }
}
