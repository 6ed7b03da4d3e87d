package org.xroadng.securityserver.conf;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
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

    public Optional<LocalService> service(ServiceId id) {
        return Optional.ofNullable(services.get(id));
    }

    /**
     * Whether {@code client} may call {@code method path} of {@code service} for {@code purpose}
     * (null when the request named none). Default deny: only a matching access right allows.
     * When a right matches the client, method and path but not the purpose, the answer is
     * {@link AccessDecision#PURPOSE_NOT_ALLOWED}, so the caller learns what to fix.
     */
    public AccessDecision decide(ServiceId service, SubsystemId client, String method, String path, String purpose,
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

    private boolean matchesSubject(AccessRight.Subject subject, SubsystemId client, GlobalConfiguration global) {
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
