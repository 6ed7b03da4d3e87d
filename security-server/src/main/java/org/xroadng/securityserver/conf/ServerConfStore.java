package org.xroadng.securityserver.conf;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.xroadng.protocol.RestMetadata;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * The stored configuration of one security server (DESIGN.md section 6): hosted clients, provided
 * services and their descriptions (OpenAPI, with the endpoints they declare), access rights and
 * local groups, in its database.
 *
 * <p>Guarantees: every change is validated first (identifiers parsed strictly by the caller, a
 * service's provider must be a client of this server, URL http(s), timeout 1..600 s, method,
 * path glob and purpose codes as {@link ConfValues} allows), refused with a
 * {@link ServerException} that names what is wrong (duplicates are conflicts, unknown ids are not
 * found), and written in one transaction together with an audit row, so a refused change leaves
 * nothing behind. {@link #current()} returns an immutable {@link LocalConfiguration} snapshot held
 * in a volatile field and rebuilt after each successful change: reading it costs one volatile read.
 * Changes are serialised, so snapshots are published in the order the changes were committed.
 */
public final class ServerConfStore {

    /** One row of the admin audit trail: when, who, what, on what, and how it ended. */
    public record AuditEntry(long id, java.time.Instant at, String actor, String action, String target,
                             String outcome) {
    }

    /** The outcome of an action that was done. */
    public static final String SUCCESS = "success";

    /** An access right with the id that revokes it. */
    public record Grant(long id, AccessRight right) {
    }

    /** Work that changes the database and may refuse. */
    @FunctionalInterface
    private interface Change<T> {
        T run(Connection c) throws SQLException, ServerException;
    }

    private final Database database;
    private final SecurityServerId serverId;
    private final Clock clock;
    private volatile LocalConfiguration current;
    private volatile List<Grant> grants;
    /**
     * The newest configuration-change audit row the snapshot covers: every change writes one, so a
     * newer one means a change (rows of {@link #record} are not changes and do not count).
     */
    private volatile long loadedChange;
    /** Who the changes the current thread makes are audited as, while {@link #attributeTo} holds. */
    private final ThreadLocal<String> actor = new ThreadLocal<>();

    public ServerConfStore(Database database, SecurityServerId serverId, Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.serverId = Objects.requireNonNull(serverId, "serverId");
        this.clock = Objects.requireNonNull(clock, "clock");
        database.inTransaction(c -> {
            publish(c);
            return null;
        });
    }

    /** The latest configuration; cheap enough for every message. */
    public LocalConfiguration current() {
        return current;
    }

    /**
     * Reloads the snapshot when the database holds a change it does not cover: one made by
     * another node of this server sharing the database (DESIGN: clustered nodes), or by an
     * operator's command. Cheap when nothing changed (one indexed read); true when it reloaded.
     */
    public synchronized boolean refreshIfChanged() {
        long newest = database.inTransaction(ServerConfStore::newestChange);
        if (newest == loadedChange) {
            return false;
        }
        database.inTransaction(c -> {
            publish(c);
            return null;
        });
        return true;
    }

    private static long newestChange(Connection c) throws SQLException {
        return Jdbc.count(c, "SELECT COALESCE(MAX(id), 0) FROM audit WHERE config_change = TRUE");
    }

    /**
     * Audits the changes this thread makes until the returned handle is closed as done by
     * {@code actorName} (otherwise they are the {@code system}'s). The service layer
     * ({@code admin.ServerAdmin}) wraps each operator's action in one.
     */
    public Attribution attributeTo(String actorName) {
        String previous = actor.get();
        actor.set(Objects.requireNonNull(actorName, "actorName"));
        return () -> {
            if (previous == null) {
                actor.remove();
            } else {
                actor.set(previous);
            }
        };
    }

    /** Ends an {@link #attributeTo}. */
    @FunctionalInterface
    public interface Attribution extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Writes one audit row for an action that is not itself a configuration change (a sign-in, a
     * key import, a registration, a refusal): who, what, on what and how it ended.
     */
    public void record(String actorName, String action, String target, String outcome) {
        database.inTransaction(c -> {
            insertAudit(c, actorName, action, target, outcome, false);
            return null;
        });
    }

    /** The newest {@code limit} audit rows, newest first; {@code action} (a prefix) narrows them when given. */
    public List<AuditEntry> auditTrail(int limit, Optional<String> action) {
        return auditTrail(0, limit, action);
    }

    /** As {@link #auditTrail(int, Optional)}, skipping the {@code offset} newest rows first (a page of a long trail). */
    public List<AuditEntry> auditTrail(int offset, int limit, Optional<String> action) {
        int rows = Math.max(1, Math.min(limit, 1000));
        int skip = Math.max(0, offset);
        return database.inTransaction(c -> Jdbc.query(c, "SELECT id, at, actor, action, target, outcome FROM audit"
                        + (action.isPresent() ? " WHERE action LIKE ?" : "") + " ORDER BY id DESC LIMIT " + rows
                        + " OFFSET " + skip,
                r -> new AuditEntry(r.getLong(1), Jdbc.instant(r, "at"), r.getString(3), r.getString(4), r.getString(5),
                        r.getString(6)), action.map(a -> new Object[] {a.replace("%", "") + "%"}).orElse(new Object[0])));
    }

    /** How many rows the audit trail holds. */
    public long auditCount() {
        return database.inTransaction(c -> Jdbc.count(c, "SELECT COUNT(*) FROM audit"));
    }

    private void insertAudit(Connection c, String actorName, String action, String target, String outcome,
                             boolean configChange) throws SQLException {
        Jdbc.update(c, "INSERT INTO audit (at, action, target, actor, outcome, config_change) VALUES (?, ?, ?, ?, ?, ?)",
                clock.instant(), cut(action, 100), cut(target, 2000), cut(actorName, 300), cut(outcome, 2000),
                configChange);
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }

    /** Whether the configuration database answers now (for health checks). */
    public boolean reachable() {
        return database.reachable();
    }

    // clients

    /**
     * Adds a client hosted on this server. With {@code HTTPS} at least one IS certificate must be
     * pinned; with {@code HTTP} none may be.
     */
    public LocalClient addClient(SubsystemId id, LocalClient.IsAuthentication authentication,
                                 Collection<X509Certificate> pinnedCertificates) throws ServerException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(authentication, "authentication");
        requireInstance("client", id.instance());
        Set<String> hashes = new TreeSet<>();
        for (X509Certificate certificate : pinnedCertificates) {
            hashes.add(sha256(certificate));
        }
        if (authentication == LocalClient.IsAuthentication.HTTPS && hashes.isEmpty()) {
            throw ServerException.badRequest("client " + id + " authenticates over HTTPS but no IS certificate is pinned;"
                    + " expected at least one PEM certificate");
        }
        if (authentication == LocalClient.IsAuthentication.HTTP && !hashes.isEmpty()) {
            throw ServerException.badRequest("client " + id + " authenticates over plain HTTP; pinned certificates are"
                    + " only used with HTTPS");
        }
        return change("client.add", id.format(), c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM client WHERE id = ?", id.format()) > 0) {
                throw ServerException.conflict("client " + id + " already exists on this server");
            }
            Jdbc.update(c, "INSERT INTO client (id, is_auth, registered, created_at) VALUES (?, ?, FALSE, ?)",
                    id.format(), authentication.name(), clock.instant());
            for (String hash : hashes) {
                Jdbc.update(c, "INSERT INTO client_pinned_cert (client_id, cert_sha256) VALUES (?, ?)", id.format(), hash);
            }
            return new LocalClient(id, authentication, hashes, false);
        });
    }

    /** Deletes a client; refused while it provides services (delete them first). */
    public void deleteClient(SubsystemId id) throws ServerException {
        change("client.delete", id.format(), c -> {
            requireClient(c, id);
            List<String> services = Jdbc.query(c, "SELECT id FROM service WHERE provider = ? ORDER BY id",
                    r -> r.getString(1), id.format());
            if (!services.isEmpty()) {
                throw ServerException.conflict("client " + id + " provides services " + String.join(", ", services)
                        + "; delete them first");
            }
            Jdbc.update(c, "DELETE FROM client WHERE id = ?", id.format());
            return null;
        });
    }

    /** Records whether the registry has approved the client's registration. */
    public LocalClient setRegistered(SubsystemId id, boolean registered) throws ServerException {
        change("client.registered", id.format() + " " + registered, c -> {
            requireClient(c, id);
            Jdbc.update(c, "UPDATE client SET registered = ? WHERE id = ?", registered, id.format());
            return null;
        });
        return current.client(id).orElseThrow();
    }

    /**
     * Marks as registered exactly the clients that the global configuration lists for this
     * server; changes nothing when they already agree.
     */
    public void syncRegistrations(GlobalConfiguration global) {
        Set<SubsystemId> listed = new HashSet<>(); // a disabled client stays registered, only suspended
        global.securityServer(serverId).ifPresent(s -> {
            listed.addAll(s.clients());
            listed.addAll(s.disabledClients());
        });
        for (LocalClient client : current.clients().values()) {
            boolean registered = listed.contains(client.id());
            if (client.registered() != registered) {
                try {
                    setRegistered(client.id(), registered);
                } catch (ServerException e) {
                    // Deleted meanwhile: nothing to mark.
                }
            }
        }
    }

    /** The clients, sorted by id. */
    public List<LocalClient> clients() {
        return current.clients().values().stream().sorted((a, b) -> a.id().format().compareTo(b.id().format())).toList();
    }

    // services

    /** Adds a service of a client of this server, enabled. */
    public LocalService addService(ServiceId id, URI url, int timeoutSeconds, boolean personalData) throws ServerException {
        requireNotReserved(id);
        LocalService service = new LocalService(id, ConfValues.url(url == null ? null : url.toString()),
                Duration.ofSeconds(ConfValues.timeoutSeconds(timeoutSeconds)), personalData, true);
        return change("service.add", id.format(), c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM client WHERE id = ?", id.subsystem().format()) == 0) {
                throw ServerException.badRequest("service " + id + " belongs to " + id.subsystem()
                        + ", which is not a client of this server; add the client first", "a client of this server",
                        id.subsystem().format());
            }
            if (Jdbc.count(c, "SELECT COUNT(*) FROM service WHERE id = ?", id.format()) > 0) {
                throw ServerException.conflict("service " + id + " already exists on this server");
            }
            Jdbc.update(c, "INSERT INTO service (id, provider, url, timeout_seconds, personal_data, enabled)"
                            + " VALUES (?, ?, ?, ?, ?, ?)", id.format(), id.subsystem().format(), service.url().toString(),
                    timeoutSeconds, personalData, true);
            return service;
        });
    }

    private static void requireNotReserved(ServiceId id) throws ServerException {
        if (RestMetadata.RESERVED_SERVICE_CODES.contains(id.serviceCode())) {
            throw ServerException.badRequest("service code " + id.serviceCode() + " is reserved: the security server"
                    + " answers it itself (X-Road's metadata services " + String.join(", ",
                    new TreeSet<>(RestMetadata.RESERVED_SERVICE_CODES)) + ")", "another service code", id.serviceCode());
        }
    }

    /** Replaces a service's URL, timeout, personal-data flag and enabled flag. */
    public LocalService updateService(ServiceId id, URI url, int timeoutSeconds, boolean personalData, boolean enabled)
            throws ServerException {
        LocalService service = new LocalService(id, ConfValues.url(url == null ? null : url.toString()),
                Duration.ofSeconds(ConfValues.timeoutSeconds(timeoutSeconds)), personalData, enabled);
        return change("service.update", id.format(), c -> {
            if (Jdbc.update(c, "UPDATE service SET url = ?, timeout_seconds = ?, personal_data = ?, enabled = ?"
                    + " WHERE id = ?", service.url().toString(), timeoutSeconds, personalData, enabled, id.format()) == 0) {
                throw ServerException.notFound("no service " + id + " on this server");
            }
            return service;
        });
    }

    /** Deletes a service and its access rights. */
    public void deleteService(ServiceId id) throws ServerException {
        change("service.delete", id.format(), c -> {
            if (Jdbc.update(c, "DELETE FROM service WHERE id = ?", id.format()) == 0) {
                throw ServerException.notFound("no service " + id + " on this server");
            }
            return null;
        });
    }

    /** The services, sorted by id. */
    public List<LocalService> services() {
        return current.services().values().stream().sorted((a, b) -> a.id().format().compareTo(b.id().format())).toList();
    }

    // service descriptions

    /**
     * Stores the first description of a service of this server: the document byte for byte, where
     * it came from ({@code source} empty: uploaded) and the endpoints it declares, already parsed
     * and checked by the caller. A service has at most one description.
     */
    public ServiceDescription addDescription(ServiceId service, Optional<URI> source, byte[] content,
                                             String contentType, List<ServiceEndpoint> endpoints)
            throws ServerException {
        ServiceDescription description = description(service, source, content, contentType, endpoints);
        return change("serviceDescription.add", service.format(), c -> {
            requireService(c, service);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM service_description WHERE service_id = ?", service.format()) > 0) {
                throw ServerException.conflict("service " + service + " already has a description; refresh it,"
                        + " or delete it first");
            }
            insertDescription(c, description);
            return description;
        });
    }

    /**
     * Replaces the description of a service with a newer one (a refresh), keeping where it comes
     * from; answers the endpoints the replaced one declared, read in the same transaction.
     */
    public List<ServiceEndpoint> replaceDescription(ServiceId service, byte[] content, String contentType,
                                                    List<ServiceEndpoint> endpoints) throws ServerException {
        return change("serviceDescription.refresh", service.format(), c -> {
            Optional<Optional<URI>> source = Jdbc.queryOne(c, "SELECT source_url FROM service_description"
                    + " WHERE service_id = ?", r -> Optional.ofNullable(r.getString(1)).map(URI::create), service.format());
            if (source.isEmpty()) {
                throw ServerException.notFound("service " + service + " has no description on this server; add one");
            }
            List<ServiceEndpoint> before = Jdbc.query(c, "SELECT method, path FROM service_endpoint WHERE service_id = ?",
                    r -> new ServiceEndpoint(r.getString(1), r.getString(2)), service.format());
            Jdbc.update(c, "DELETE FROM service_description WHERE service_id = ?", service.format());
            insertDescription(c, description(service, source.get(), content, contentType, endpoints));
            return before.stream().sorted().toList();
        });
    }

    /** Deletes the description of a service; the service and its access rights stay. */
    public void deleteDescription(ServiceId service) throws ServerException {
        change("serviceDescription.delete", service.format(), c -> {
            if (Jdbc.update(c, "DELETE FROM service_description WHERE service_id = ?", service.format()) == 0) {
                throw ServerException.notFound("service " + service + " has no description on this server");
            }
            return null;
        });
    }

    /** The descriptions, sorted by service. */
    public List<ServiceDescription> descriptions() {
        return current.descriptions().values().stream()
                .sorted((a, b) -> a.service().format().compareTo(b.service().format())).toList();
    }

    private ServiceDescription description(ServiceId service, Optional<URI> source, byte[] content, String contentType,
                                           List<ServiceEndpoint> endpoints) throws ServerException {
        Objects.requireNonNull(service, "service");
        if (source.isPresent() && source.get().toString().length() > 2000) {
            throw ServerException.badRequest("the description's URL is longer than 2000 characters");
        }
        for (ServiceEndpoint endpoint : endpoints) {
            ConfValues.method(endpoint.method());
            ConfValues.pathGlob(endpoint.path());
        }
        return new ServiceDescription(service, source, content, contentType, endpoints, clock.instant());
    }

    private static void insertDescription(Connection c, ServiceDescription d) throws SQLException {
        Jdbc.update(c, "INSERT INTO service_description (service_id, source_url, content, content_type, refreshed_at)"
                + " VALUES (?, ?, ?, ?, ?)", d.service().format(), d.source().map(URI::toString).orElse(null),
                d.content(), d.contentType(), d.refreshedAt());
        for (ServiceEndpoint endpoint : d.endpoints()) {
            Jdbc.update(c, "INSERT INTO service_endpoint (service_id, method, path) VALUES (?, ?, ?)",
                    d.service().format(), endpoint.method(), endpoint.path());
        }
    }

    private static void requireService(Connection c, ServiceId service) throws SQLException, ServerException {
        if (Jdbc.count(c, "SELECT COUNT(*) FROM service WHERE id = ?", service.format()) == 0) {
            throw ServerException.notFound("no service " + service + " on this server; add it first");
        }
    }

    // WSDL descriptions

    /** A refreshed WSDL description and the services its new version added and removed. */
    public record WsdlChange(WsdlDescription description, List<ServiceId> added, List<ServiceId> removed) {
        public WsdlChange {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
        }
    }

    /**
     * Stores a WSDL description of {@code provider} (a client of this server) and makes a service
     * of each of its operations ({@code codes}, already parsed and checked by the caller), enabled,
     * at {@code url} (the provider IS's SOAP endpoint), in one transaction: a code that is reserved
     * or already a service of the subsystem refuses the whole description.
     */
    public WsdlDescription addWsdl(SubsystemId provider, Optional<URI> source, byte[] content, List<String> codes,
                                   URI url, int timeoutSeconds, boolean personalData) throws ServerException {
        List<ServiceId> services = wsdlServices(provider, codes);
        String endpoint = ConfValues.url(url.toString()).toString();
        int timeout = ConfValues.timeoutSeconds(timeoutSeconds);
        long id = change("wsdl.add", provider.format(), c -> {
            requireClient(c, provider);
            for (ServiceId service : services) {
                if (Jdbc.count(c, "SELECT COUNT(*) FROM service WHERE id = ?", service.format()) > 0) {
                    throw ServerException.conflict("operation " + service.serviceCode() + " of the WSDL would be"
                            + " service " + service + ", which already exists on this server");
                }
            }
            long wsdl = Jdbc.insert(c, "INSERT INTO wsdl_description (provider, source_url, content, refreshed_at)"
                    + " VALUES (?, ?, ?, ?)", provider.format(), source.map(URI::toString).orElse(null), content,
                    clock.instant());
            for (ServiceId service : services) {
                insertWsdlService(c, service, endpoint, timeout, personalData, wsdl);
            }
            return wsdl;
        });
        return wsdl(id).orElseThrow();
    }

    /**
     * Replaces the document of WSDL description {@code id} (a refresh): services for operations
     * that are new are added at {@code url} (the new document's address), with the timeout and
     * personal-data flag of the description's other services; those of operations that are gone
     * are deleted with their access rights; the others are kept as they are (the operator may
     * have changed them).
     */
    public WsdlChange replaceWsdl(long id, byte[] content, List<String> codes, URI url) throws ServerException {
        WsdlDescription before = wsdl(id).orElseThrow(() -> ServerException.notFound("no WSDL description " + id
                + " on this server"));
        List<ServiceId> now = wsdlServices(before.provider(), codes);
        List<ServiceId> added = now.stream().filter(s -> !before.services().contains(s)).toList();
        List<ServiceId> removed = before.services().stream().filter(s -> !now.contains(s)).toList();
        LocalService model = before.services().stream().map(s -> current.service(s).orElse(null))
                .filter(Objects::nonNull).findFirst().orElse(null);
        String endpoint = ConfValues.url(url.toString()).toString();
        change("wsdl.refresh", before.provider().format() + " #" + id, c -> {
            for (ServiceId service : added) {
                if (Jdbc.count(c, "SELECT COUNT(*) FROM service WHERE id = ?", service.format()) > 0) {
                    throw ServerException.conflict("operation " + service.serviceCode() + " of the WSDL would be"
                            + " service " + service + ", which already exists on this server");
                }
                insertWsdlService(c, service, endpoint, model == null ? 60 : (int) model.timeout().toSeconds(),
                        model != null && model.personalData(), id);
            }
            for (ServiceId service : removed) {
                Jdbc.update(c, "DELETE FROM service WHERE id = ? AND wsdl_id = ?", service.format(), id);
            }
            Jdbc.update(c, "UPDATE wsdl_description SET content = ?, refreshed_at = ? WHERE id = ?", content,
                    clock.instant(), id);
            return null;
        });
        return new WsdlChange(wsdl(id).orElseThrow(), added, removed);
    }

    /** Deletes a WSDL description and the services made of it, with their access rights. */
    public void deleteWsdl(long id) throws ServerException {
        change("wsdl.delete", "#" + id, c -> {
            if (Jdbc.update(c, "DELETE FROM wsdl_description WHERE id = ?", id) == 0) {
                throw ServerException.notFound("no WSDL description " + id + " on this server");
            }
            return null;
        });
    }

    public Optional<WsdlDescription> wsdl(long id) {
        return current.wsdls().stream().filter(w -> w.id() == id).findFirst();
    }

    /** The WSDL descriptions, in the order added. */
    public List<WsdlDescription> wsdls() {
        return current.wsdls();
    }

    private static List<ServiceId> wsdlServices(SubsystemId provider, List<String> codes) throws ServerException {
        List<ServiceId> services = new ArrayList<>();
        for (String code : codes) {
            ServiceId service = ConfValues.id("operation", provider.format() + "/" + code, ServiceId::parse);
            requireNotReserved(service);
            services.add(service);
        }
        return services;
    }

    private static void insertWsdlService(Connection c, ServiceId service, String url, int timeoutSeconds,
                                          boolean personalData, long wsdl) throws SQLException {
        Jdbc.update(c, "INSERT INTO service (id, provider, url, timeout_seconds, personal_data, enabled, wsdl_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", service.format(), service.subsystem().format(), url,
                timeoutSeconds, personalData, true, wsdl);
    }

    // access rights

    /**
     * Grants {@code subject} access to {@code method path} of a service of this server, for the
     * given purposes (empty: any). A local-group subject must name an existing local group.
     */
    public Grant grant(ServiceId service, AccessRight.Subject subject, String method, String pathGlob,
                       Collection<String> purposes) throws ServerException {
        return grant(service, subject, method, pathGlob, purposes, null, null);
    }

    /**
     * As {@link #grant(ServiceId, AccessRight.Subject, String, String, Collection)}; with
     * {@code restrictionAuthority} and {@code restrictionMaxDays} (both or neither) the right allows
     * restricted accesses (DESIGN.md section 7) by that kind of authority, disclosed within that
     * many days.
     */
    public Grant grant(ServiceId service, AccessRight.Subject subject, String method, String pathGlob,
                       Collection<String> purposes, String restrictionAuthority, Integer restrictionMaxDays)
            throws ServerException {
        Objects.requireNonNull(service, "service");
        AccessRight.RestrictionAllowance allowance = null;
        if ((restrictionAuthority == null) != (restrictionMaxDays == null)) {
            throw ServerException.badRequest("a restriction allowance needs both restrictionAuthority and"
                    + " restrictionMaxDays; given only " + (restrictionAuthority == null ? "restrictionMaxDays"
                    : "restrictionAuthority"));
        }
        if (restrictionAuthority != null) {
            try {
                allowance = new AccessRight.RestrictionAllowance(restrictionAuthority, restrictionMaxDays);
            } catch (IllegalArgumentException e) {
                throw ServerException.badRequest(e.getMessage());
            }
        }
        Objects.requireNonNull(subject, "subject");
        String m = ConfValues.method(method);
        String path = ConfValues.pathGlob(pathGlob);
        Set<String> codes = new TreeSet<>();
        for (String purpose : purposes) {
            codes.add(ConfValues.code("purpose", purpose));
        }
        AccessRight right = new AccessRight(service, subject, m, path, codes, allowance);
        AccessRight.RestrictionAllowance allowed = allowance;
        return change("accessRight.grant", service.format() + " " + subject.format() + " " + m + " " + path, c -> {
            requireService(c, service);
            if (subject instanceof AccessRight.LocalGroupSubject local
                    && Jdbc.count(c, "SELECT COUNT(*) FROM local_group WHERE code = ?", local.code()) == 0) {
                throw ServerException.notFound("no local group " + local.code() + " on this server; add it first");
            }
            var existing = Jdbc.queryOne(c, "SELECT id FROM access_right WHERE service_id = ? AND subject = ?"
                    + " AND method = ? AND path_glob = ?", r -> r.getLong(1), service.format(), subject.format(), m, path);
            if (existing.isPresent()) {
                throw ServerException.conflict(subject.format() + " already has access to " + m + " " + path + " of "
                        + service + " (access right " + existing.get() + "); revoke it first to change its purposes");
            }
            long id = Jdbc.insert(c, "INSERT INTO access_right (service_id, subject, method, path_glob, purposes,"
                            + " created_at, restriction_authority, restriction_max_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    service.format(), subject.format(), m, path, String.join(" ", codes), clock.instant(),
                    allowed == null ? null : allowed.authority(), allowed == null ? null : allowed.maxDays());
            return new Grant(id, right);
        });
    }

    /** Revokes the access right with this id. */
    public void revoke(long id) throws ServerException {
        change("accessRight.revoke", Long.toString(id), c -> {
            if (Jdbc.update(c, "DELETE FROM access_right WHERE id = ?", id) == 0) {
                throw ServerException.notFound("no access right " + id + " on this server");
            }
            return null;
        });
    }

    /** The access rights with their ids, in the order they were granted. */
    public List<Grant> accessRights() {
        return grants;
    }

    // local groups

    public LocalGroup addLocalGroup(String code, String description) throws ServerException {
        String c0 = ConfValues.code("local group code", code);
        String text = description == null ? "" : description.strip();
        if (text.isEmpty() || text.length() > 1000) {
            throw ServerException.badRequest("description of local group " + c0 + " must be 1..1000 characters");
        }
        return change("localGroup.add", c0, c -> {
            if (Jdbc.count(c, "SELECT COUNT(*) FROM local_group WHERE code = ?", c0) > 0) {
                throw ServerException.conflict("local group " + c0 + " already exists on this server");
            }
            Jdbc.update(c, "INSERT INTO local_group (code, description) VALUES (?, ?)", c0, text);
            return new LocalGroup(c0, text, Set.of());
        });
    }

    /** Deletes a local group; refused while access rights name it (revoke them first). */
    public void deleteLocalGroup(String code) throws ServerException {
        change("localGroup.delete", code, c -> {
            requireGroup(c, code);
            List<Long> rights = Jdbc.query(c, "SELECT id FROM access_right WHERE subject = ? ORDER BY id",
                    r -> r.getLong(1), "local:" + code);
            if (!rights.isEmpty()) {
                throw ServerException.conflict("local group " + code + " is the subject of access rights " + rights
                        + "; revoke them first");
            }
            Jdbc.update(c, "DELETE FROM local_group WHERE code = ?", code);
            return null;
        });
    }

    public LocalGroup addLocalGroupMember(String code, SubsystemId member) throws ServerException {
        change("localGroup.addMember", code + " " + member.format(), c -> {
            requireGroup(c, code);
            if (Jdbc.count(c, "SELECT COUNT(*) FROM local_group_member WHERE group_code = ? AND member_id = ?",
                    code, member.format()) > 0) {
                throw ServerException.conflict(member + " is already a member of local group " + code);
            }
            Jdbc.update(c, "INSERT INTO local_group_member (group_code, member_id) VALUES (?, ?)", code, member.format());
            return null;
        });
        return current.localGroups().get(code);
    }

    public LocalGroup removeLocalGroupMember(String code, SubsystemId member) throws ServerException {
        change("localGroup.removeMember", code + " " + member.format(), c -> {
            requireGroup(c, code);
            if (Jdbc.update(c, "DELETE FROM local_group_member WHERE group_code = ? AND member_id = ?",
                    code, member.format()) == 0) {
                throw ServerException.notFound(member + " is not a member of local group " + code);
            }
            return null;
        });
        return current.localGroups().get(code);
    }

    /** The local groups, sorted by code. */
    public List<LocalGroup> localGroups() {
        return current.localGroups().values().stream().sorted((a, b) -> a.code().compareTo(b.code())).toList();
    }

    /** SHA-256 of a certificate's DER, lower-case hex, as pinned. */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash certificate", e);
        }
    }

    // machinery

    private synchronized <T> T change(String action, String target, Change<T> work) throws ServerException {
        T result = database.inTransaction(c -> {
            T done = work.run(c);
            String who = actor.get();
            insertAudit(c, who == null ? "system" : who, action, target, SUCCESS, true);
            return done;
        });
        database.inTransaction(c -> {
            publish(c);
            return null;
        });
        return result;
    }

    private void requireInstance(String what, String instance) throws ServerException {
        if (!instance.equals(serverId.instance())) {
            throw ServerException.badRequest(what + " is of instance " + instance + "; this server belongs to instance "
                    + serverId.instance(), serverId.instance(), instance);
        }
    }

    private static void requireClient(Connection c, SubsystemId id) throws SQLException, ServerException {
        if (Jdbc.count(c, "SELECT COUNT(*) FROM client WHERE id = ?", id.format()) == 0) {
            throw ServerException.notFound("no client " + id + " on this server");
        }
    }

    private static void requireGroup(Connection c, String code) throws SQLException, ServerException {
        if (Jdbc.count(c, "SELECT COUNT(*) FROM local_group WHERE code = ?", code) == 0) {
            throw ServerException.notFound("no local group " + code + " on this server");
        }
    }

    /** Reads the whole committed configuration and publishes it as the new snapshot. */
    private void publish(Connection c) throws SQLException {
        // first, so that a change committed while the tables are read shows as newer next time
        long change = newestChange(c);
        Map<SubsystemId, Set<String>> pins = new HashMap<>();
        Jdbc.query(c, "SELECT client_id, cert_sha256 FROM client_pinned_cert", r -> {
            pins.computeIfAbsent(SubsystemId.parse(r.getString(1)), k -> new HashSet<>()).add(r.getString(2));
            return null;
        });
        Map<SubsystemId, LocalClient> clients = new LinkedHashMap<>();
        for (LocalClient client : Jdbc.query(c, "SELECT id, is_auth, registered FROM client ORDER BY id", r -> {
            SubsystemId id = SubsystemId.parse(r.getString(1));
            return new LocalClient(id, LocalClient.IsAuthentication.valueOf(r.getString(2)),
                    pins.getOrDefault(id, Set.of()), r.getBoolean(3));
        })) {
            clients.put(client.id(), client);
        }
        Map<ServiceId, LocalService> services = new LinkedHashMap<>();
        for (LocalService service : Jdbc.query(c,
                "SELECT id, url, timeout_seconds, personal_data, enabled FROM service ORDER BY id",
                r -> new LocalService(ServiceId.parse(r.getString(1)), URI.create(r.getString(2)),
                        Duration.ofSeconds(r.getInt(3)), r.getBoolean(4), r.getBoolean(5)))) {
            services.put(service.id(), service);
        }
        Map<String, Set<SubsystemId>> members = new HashMap<>();
        Jdbc.query(c, "SELECT group_code, member_id FROM local_group_member", r -> {
            members.computeIfAbsent(r.getString(1), k -> new HashSet<>()).add(SubsystemId.parse(r.getString(2)));
            return null;
        });
        Map<String, LocalGroup> groups = new LinkedHashMap<>();
        for (LocalGroup group : Jdbc.query(c, "SELECT code, description FROM local_group ORDER BY code",
                r -> new LocalGroup(r.getString(1), r.getString(2), members.getOrDefault(r.getString(1), Set.of())))) {
            groups.put(group.code(), group);
        }
        Map<ServiceId, List<ServiceEndpoint>> endpoints = new HashMap<>();
        Jdbc.query(c, "SELECT service_id, method, path FROM service_endpoint", r -> {
            endpoints.computeIfAbsent(ServiceId.parse(r.getString(1)), k -> new ArrayList<>())
                    .add(new ServiceEndpoint(r.getString(2), r.getString(3)));
            return null;
        });
        Map<ServiceId, ServiceDescription> descriptions = new HashMap<>();
        for (ServiceDescription d : Jdbc.query(c, "SELECT service_id, source_url, content, content_type, refreshed_at"
                + " FROM service_description", r -> {
            ServiceId id = ServiceId.parse(r.getString(1));
            return new ServiceDescription(id, Optional.ofNullable(r.getString(2)).map(URI::create), r.getBytes(3),
                    r.getString(4), endpoints.getOrDefault(id, List.of()), Jdbc.instant(r, "refreshed_at"));
        })) {
            descriptions.put(d.service(), d);
        }
        Map<Long, List<ServiceId>> wsdlServices = new HashMap<>();
        Jdbc.query(c, "SELECT wsdl_id, id FROM service WHERE wsdl_id IS NOT NULL", r -> {
            wsdlServices.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(ServiceId.parse(r.getString(2)));
            return null;
        });
        List<WsdlDescription> wsdls = Jdbc.query(c, "SELECT id, provider, source_url, content, refreshed_at"
                + " FROM wsdl_description ORDER BY id", r -> new WsdlDescription(r.getLong(1),
                SubsystemId.parse(r.getString(2)), Optional.ofNullable(r.getString(3)).map(URI::create), r.getBytes(4),
                wsdlServices.getOrDefault(r.getLong(1), List.of()), Jdbc.instant(r, "refreshed_at")));
        List<Grant> rights = Jdbc.query(c,
                "SELECT id, service_id, subject, method, path_glob, purposes, restriction_authority,"
                        + " restriction_max_days FROM access_right ORDER BY id",
                r -> new Grant(r.getLong(1), new AccessRight(ServiceId.parse(r.getString(2)), storedSubject(r.getString(3)),
                        r.getString(4), r.getString(5), purposes(r.getString(6)), r.getString(7) == null ? null
                        : new AccessRight.RestrictionAllowance(r.getString(7), r.getInt(8)))));
        List<AccessRight> accessRights = new ArrayList<>();
        rights.forEach(g -> accessRights.add(g.right()));
        this.grants = List.copyOf(rights);
        this.current = new LocalConfiguration(serverId, clients, services, accessRights, groups, descriptions, wsdls);
        this.loadedChange = change;
    }

    private static Set<String> purposes(String stored) {
        return stored.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(stored.split(" ")));
    }

    private static AccessRight.Subject storedSubject(String stored) {
        if (stored.startsWith("global:")) {
            return new AccessRight.GlobalGroupSubject(GlobalGroupId.parse(stored.substring(7)));
        }
        if (stored.startsWith("local:")) {
            return new AccessRight.LocalGroupSubject(stored.substring(6));
        }
        return new AccessRight.SubsystemSubject(ClientId.parse(stored));
    }
}
