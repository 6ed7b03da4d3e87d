package org.xroadng.securityserver.conf;

import java.util.ArrayList;
import java.util.HashMap;
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
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * One security server's own configuration, as an immutable snapshot that the proxies read on every
 * message without locking: which clients it hosts and how their information systems authenticate,
 * which services it provides and where, the access rights (default deny) and the local groups.
 * The admin API changes the stored configuration and publishes a new snapshot.
 *
 * <p>The access rights are indexed by service when the snapshot is built, each with its path
 * pattern compiled ({@link PathGlob}), so an access check looks at the rights of one service and
 * parses nothing. Service descriptions (OpenAPI) are held for the metadata services; they play no
 * part in the access check.
 */
public final class LocalConfiguration {

    private final SecurityServerId serverId;
    private final Map<SubsystemId, LocalClient> clients;
    private final Map<ServiceId, LocalService> services;
    private final List<AccessRight> accessRights;
    private final Map<String, LocalGroup> localGroups;
    private final Map<ServiceId, ServiceDescription> descriptions;
    private final Map<ServiceId, AccessRight[]> rightsByService;
    private final List<WsdlDescription> wsdls;
    private final Map<ServiceId, WsdlDescription> wsdlByService;

    public LocalConfiguration(SecurityServerId serverId, Map<SubsystemId, LocalClient> clients,
                              Map<ServiceId, LocalService> services, List<AccessRight> accessRights,
                              Map<String, LocalGroup> localGroups) {
        this(serverId, clients, services, accessRights, localGroups, Map.of());
    }

    public LocalConfiguration(SecurityServerId serverId, Map<SubsystemId, LocalClient> clients,
                              Map<ServiceId, LocalService> services, List<AccessRight> accessRights,
                              Map<String, LocalGroup> localGroups, Map<ServiceId, ServiceDescription> descriptions) {
        this(serverId, clients, services, accessRights, localGroups, descriptions, List.of());
    }

    /** With the WSDL descriptions of provider subsystems; each names the services made of its operations. */
    public LocalConfiguration(SecurityServerId serverId, Map<SubsystemId, LocalClient> clients,
                              Map<ServiceId, LocalService> services, List<AccessRight> accessRights,
                              Map<String, LocalGroup> localGroups, Map<ServiceId, ServiceDescription> descriptions,
                              List<WsdlDescription> wsdls) {
        this.wsdls = List.copyOf(wsdls);
        Map<ServiceId, WsdlDescription> wsdlIndex = new HashMap<>();
        for (WsdlDescription wsdl : this.wsdls) {
            wsdl.services().forEach(s -> wsdlIndex.put(s, wsdl));
        }
        this.wsdlByService = Map.copyOf(wsdlIndex);
        this.serverId = Objects.requireNonNull(serverId, "serverId");
        this.clients = Map.copyOf(clients);
        this.services = Map.copyOf(services);
        this.accessRights = List.copyOf(accessRights);
        this.localGroups = Map.copyOf(localGroups);
        this.descriptions = Map.copyOf(descriptions);
        Map<ServiceId, List<AccessRight>> byService = new HashMap<>();
        for (AccessRight right : this.accessRights) {
            byService.computeIfAbsent(right.service(), k -> new ArrayList<>()).add(right);
        }
        Map<ServiceId, AccessRight[]> index = new HashMap<>();
        byService.forEach((service, rights) -> index.put(service, rights.toArray(AccessRight[]::new)));
        this.rightsByService = Map.copyOf(index);
    }

    public SecurityServerId serverId() {
        return serverId;
    }

    public Map<SubsystemId, LocalClient> clients() {
        return clients;
    }

    public Map<ServiceId, LocalService> services() {
        return services;
    }

    /** Every access right, in the order granted. */
    public List<AccessRight> accessRights() {
        return accessRights;
    }

    public Map<String, LocalGroup> localGroups() {
        return localGroups;
    }

    /** The services' OpenAPI descriptions, by service. */
    public Map<ServiceId, ServiceDescription> descriptions() {
        return descriptions;
    }

    public Optional<ServiceDescription> description(ServiceId service) {
        return Optional.ofNullable(descriptions.get(service));
    }

    /** The WSDL descriptions, in the order of their ids. */
    public List<WsdlDescription> wsdls() {
        return wsdls;
    }

    /** The WSDL description {@code service} was made from: present for the SOAP services. */
    public Optional<WsdlDescription> wsdlOf(ServiceId service) {
        return Optional.ofNullable(wsdlByService.get(service));
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
        return hostedClient(id, serverId.owner());
    }

    /**
     * As {@link #hostedClient(ClientId)}, with {@code owner} the server's owner now as the global
     * configuration names it (another member than the identifier's after an {@code ownerChange}).
     */
    public Optional<HostedClient> hostedClient(ClientId id, MemberId owner) {
        if (id instanceof SubsystemId subsystem) {
            return client(subsystem).map(c -> new HostedClient(c.id(), c.authentication(), c.pinnedCertificateHashes()));
        }
        if (!id.equals(owner)) {
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
        AccessRight[] rights = rightsByService.get(service);
        if (rights == null) {
            return AccessDecision.DENIED;
        }
        AccessDecision decision = AccessDecision.DENIED;
        for (AccessRight right : rights) {
            if (!right.matchesEndpoint(method, path) || !matchesSubject(right.subject(), client, global)) {
                continue;
            }
            if (right.allowsPurpose(purpose)) {
                return AccessDecision.ALLOWED;
            }
            decision = AccessDecision.PURPOSE_NOT_ALLOWED;
        }
        return decision;
    }

    /**
     * How far {@code client} may restrict an access to {@code method path} of {@code service} for
     * {@code purpose}: of the rights that allow the request, the allowance with the most days;
     * empty when none allows restricting. Asked only for a request that asks to be restricted.
     */
    public java.util.Optional<AccessRight.RestrictionAllowance> restrictionAllowance(ServiceId service, ClientId client,
            String method, String path, String purpose, GlobalConfiguration global) {
        AccessRight[] rights = rightsByService.get(service);
        AccessRight.RestrictionAllowance best = null;
        for (AccessRight right : rights == null ? new AccessRight[0] : rights) {
            if (right.restriction() != null && right.matchesEndpoint(method, path)
                    && matchesSubject(right.subject(), client, global) && right.allowsPurpose(purpose)
                    && (best == null || right.restriction().maxDays() > best.maxDays())) {
                best = right.restriction();
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    /**
     * The access rights to {@code service} that are {@code client}'s: its own, its local groups'
     * and its global groups', whatever their endpoints and purposes (for allowedMethods).
     */
    public List<AccessRight> rightsOf(ServiceId service, ClientId client, GlobalConfiguration global) {
        AccessRight[] rights = rightsByService.get(service);
        if (rights == null) {
            return List.of();
        }
        List<AccessRight> own = new ArrayList<>();
        for (AccessRight right : rights) {
            if (matchesSubject(right.subject(), client, global)) {
                own.add(right);
            }
        }
        return own;
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

    /** Equal when they hold the same configuration (the index is derived from it). */
    @Override
    public boolean equals(Object o) {
        return o instanceof LocalConfiguration c && c.serverId.equals(serverId) && c.clients.equals(clients)
                && c.services.equals(services) && c.accessRights.equals(accessRights)
                && c.localGroups.equals(localGroups) && c.descriptions.equals(descriptions) && c.wsdls.equals(wsdls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(serverId, clients, services, accessRights, localGroups, descriptions, wsdls);
    }

    @Override
    public String toString() {
        return "LocalConfiguration[" + serverId.format() + ", " + clients.size() + " clients, " + services.size()
                + " services, " + accessRights.size() + " access rights, " + localGroups.size() + " local groups, "
                + descriptions.size() + " descriptions, " + wsdls.size() + " WSDL descriptions]";
    }
}
