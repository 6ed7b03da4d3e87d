package org.xroadng.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.registry.management.ManagementRequestException;
import org.xroadng.registry.management.ManagementRequestVerifier;
import org.xroadng.registry.management.RequestProofs;
import org.xroadng.registry.management.SignatureProof;
import org.xroadng.registry.management.VerifiedManagementRequest;
import org.xroadng.registry.management.VerifiedAuthCertReg;
import org.xroadng.registry.management.VerifiedClientReg;
import org.xroadng.registry.management.VerifiedOwnerChange;
import org.xroadng.registry.management.VerifiedOwnerRequest;
import org.xroadng.protocol.management.AddressChangeRequest;
import org.xroadng.protocol.management.AuthCertDeletionRequest;
import org.xroadng.protocol.management.AuthCertRegRequest;
import org.xroadng.protocol.management.ClientChangeRequest;
import org.xroadng.protocol.management.ClientRegRequest;
import org.xroadng.protocol.management.OwnerChangeRequest;
import org.xroadng.protocol.management.OwnerRequest;
import org.xroadng.protocol.store.Jdbc;

/**
 * Management requests (DESIGN.md section 5), filed by security servers and self-authenticating
 * through their signatures: {@code authCertReg}, {@code clientReg}, {@code addressChange} and
 * {@code ownerChange} are pending until an operator approves or rejects them ({@code clientReg} may be approved
 * automatically by a setting); {@code clientDeletion}, {@code authCertDeletion},
 * {@code clientDisable} and {@code clientEnable} are carried out when filed.
 *
 * <p>Filing checks, before anything is stored: the signatures, certificates and OCSP responses
 * ({@link ManagementRequestVerifier}); then the registry's state: the owner or client member
 * exists, the server exists (clientReg), and the same registration is neither done nor pending.
 */
public final class Requests {

    private static final String PENDING = "pending";
    private static final String APPROVED = "approved";
    private static final String REJECTED = "rejected";

    /** A stored request; {@code newOwner} is set for {@code ownerChange} alone. */
    public record RequestView(long id, String type, String status, SecurityServerId server, SubsystemId client,
                              String address, String authCertificateSha256, Instant receivedAt, Instant decidedAt,
                              String decidedBy, String reason, MemberId newOwner) {
    }

    private final Changes changes;
    private final ManagementRequestVerifier verifier;
    private final TrustAnchors trustAnchors;
    private final Members members;
    private final RequestProofs proofs;

    public Requests(Changes changes, ManagementRequestVerifier verifier, RequestProofs proofs, TrustAnchors trustAnchors,
                    Members members) {
        this.changes = changes;
        this.verifier = verifier;
        this.proofs = proofs;
        this.trustAnchors = trustAnchors;
        this.members = members;
    }

    /** Verifies and records a signed request; returns it as stored (pending, or approved when auto-approved). */
    public RequestView file(String signedRequest) throws RegistryException {
        String target = signedRequest == null ? null
                : signedRequest.substring(0, Math.min(40, signedRequest.length())) + "...";
        return changes.apply(Actor.MANAGEMENT_REQUEST, "managementRequest.file", target, c -> {
            Settings.Values settings = Settings.read(c);
            VerifiedManagementRequest verified;
            try {
                verified = verifier.verify(signedRequest == null ? "" : signedRequest.strip(),
                        trustAnchors.caCertificates(), Duration.ofSeconds(settings.ocspFreshnessSeconds()),
                        Servers.owners(c));
            } catch (ManagementRequestException e) {
                throw new RegistryException(RegistryException.Kind.BAD_REQUEST,
                        "ManagementRequest." + pascal(e.reason().name()), e.getMessage());
            }
            if (verified instanceof VerifiedAuthCertReg auth) {
                return fileAuthCertReg(c, auth, signedRequest);
            }
            if (verified instanceof VerifiedOwnerRequest owner) {
                return fileOwnerRequest(c, owner.request(), signedRequest);
            }
            if (verified instanceof VerifiedOwnerChange change) {
                return fileOwnerChange(c, change.request(), signedRequest);
            }
            VerifiedClientReg client = (VerifiedClientReg) verified;
            long id = fileClientReg(c, client, signedRequest);
            if (settings.autoApproveClientRegistrations()) {
                decide(c, id, APPROVED, Actor.AUTO_APPROVAL, null);
            }
            return find(c, id).orElseThrow();
        });
    }

    public Page<RequestView> list(String status, int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        if (status != null && !List.of(PENDING, APPROVED, REJECTED).contains(status)) {
            throw RegistryException.badRequest("status '" + status + "' is not pending, approved or rejected");
        }
        String where = status == null ? "" : " WHERE status = ?";
        Object[] filter = status == null ? new Object[0] : new Object[] {status};
        return changes.database().inTransaction(c -> {
            Object[] args = status == null ? new Object[] {limit, offset} : new Object[] {status, limit, offset};
            return new Page<>(Jdbc.query(c, "SELECT * FROM management_request" + where + " ORDER BY id LIMIT ? OFFSET ?",
                    Requests::view, args), offset, limit,
                    Jdbc.count(c, "SELECT COUNT(*) FROM management_request" + where, filter));
        });
    }

    public RequestView get(long id) throws RegistryException {
        return changes.database().<RequestView, RegistryException>inTransaction(c -> find(c, id)
                .orElseThrow(() -> RegistryException.notFound("no management request " + id)));
    }

    /**
     * The signatures request {@code id} carries, read back for an operator's review (who signed, the
     * certificates, the OCSP status as of its receipt; see {@link RequestProofs}).
     */
    public List<SignatureProof> proof(long id) throws RegistryException {
        record Stored(String signed, Instant receivedAt) {
        }
        Stored stored = changes.database().<Stored, RegistryException>inTransaction(c -> Jdbc.queryOne(c,
                "SELECT signed_request, received_at FROM management_request WHERE id = ?",
                r -> new Stored(r.getString(1), Jdbc.instant(r, "received_at")), id)
                .orElseThrow(() -> RegistryException.notFound("no management request " + id)));
        Settings.Values settings = changes.database().inTransaction(Settings::read);
        return proofs.describe(stored.signed(), trustAnchors.caCertificates(), stored.receivedAt(),
                Duration.ofSeconds(settings.ocspFreshnessSeconds()));
    }

    public RequestView approve(Actor actor, long id) throws RegistryException {
        return changes.apply(actor, "managementRequest.approve", String.valueOf(id), c -> {
            decide(c, id, APPROVED, actor, null);
            return find(c, id).orElseThrow();
        });
    }

    public RequestView reject(Actor actor, long id, String reason) throws RegistryException {
        return changes.apply(actor, "managementRequest.reject", String.valueOf(id), c -> {
            String why = reason == null || reason.isBlank() ? null : Validation.text("reason", reason, 2000);
            decide(c, id, REJECTED, actor, why);
            return find(c, id).orElseThrow();
        });
    }

    private RequestView fileAuthCertReg(Connection c, VerifiedAuthCertReg auth, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = auth.request().server();
        Validation.sameInstance(members.instance(), server);
        if (!Members.memberExists(c, server.owner())) {
            throw RegistryException.badRequest("server owner " + server.owner().format()
                    + " is not a member of this instance; an operator must add the member first");
        }
        String address = Servers.checkAddress(auth.request().address());
        String hash = auth.authCertificateSha256Hex();
        Optional<String> registeredTo = Jdbc.queryOne(c, "SELECT server_id FROM auth_certificate WHERE sha256 = ?",
                r -> r.getString(1), hash);
        if (registeredTo.isPresent()) {
            throw RegistryException.conflict("this auth certificate is already registered for " + registeredTo.get());
        }
        Optional<Long> pending = Jdbc.queryOne(c,
                "SELECT id FROM management_request WHERE auth_cert_sha256 = ? AND status = ?", r -> r.getLong(1), hash, PENDING);
        if (pending.isPresent()) {
            throw RegistryException.conflict("this auth certificate is already pending registration as request "
                    + pending.get());
        }
        byte[] der;
        try {
            der = auth.authCertificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw RegistryException.badRequest("the auth certificate cannot be encoded");
        }
        long id = Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, address, auth_cert_sha256,"
                        + " auth_certificate, signed_request, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                "authCertReg", PENDING, server.format(), address, hash, der, signed, changes.clock().instant());
        return find(c, id).orElseThrow();
    }

    private long fileClientReg(Connection c, VerifiedClientReg client, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = client.request().server();
        SubsystemId subsystem = client.request().client();
        Validation.sameInstance(members.instance(), subsystem);
        if (Servers.find(c, server).isEmpty()) {
            throw RegistryException.badRequest("security server " + server.format()
                    + " is not registered; its authCertReg must be approved first");
        }
        if (!Members.memberExists(c, subsystem.member())) {
            throw RegistryException.badRequest("client's member " + subsystem.member().format()
                    + " is not a member of this instance");
        }
        if (Jdbc.count(c, "SELECT COUNT(*) FROM server_client WHERE server_id = ? AND subsystem_id = ?",
                server.format(), subsystem.format()) > 0) {
            throw RegistryException.conflict(subsystem.format() + " is already a client of " + server.format());
        }
        Optional<Long> pending = Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = 'clientReg'"
                + " AND server_id = ? AND client_id = ? AND status = ?", r -> r.getLong(1), server.format(),
                subsystem.format(), PENDING);
        if (pending.isPresent()) {
            throw RegistryException.conflict("registration of " + subsystem.format() + " on " + server.format()
                    + " is already pending as request " + pending.get());
        }
        return Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, client_id, signed_request,"
                        + " received_at) VALUES (?, ?, ?, ?, ?, ?)", "clientReg", PENDING, server.format(),
                subsystem.format(), signed, changes.clock().instant());
    }

    /**
     * Records a request the server's owner made about its server. Withdrawals and suspensions
     * ({@code clientDeletion}, {@code authCertDeletion}, {@code clientDisable}) and resuming a
     * suspended client ({@code clientEnable}) only take back or restore what an operator approved
     * before, so, as in X-Road, they are carried out at once; {@code addressChange} moves where
     * peers connect and waits for an operator.
     */
    private RequestView fileOwnerRequest(Connection c, OwnerRequest request, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = request.server();
        Validation.sameInstance(members.instance(), server);
        if (Servers.find(c, server).isEmpty()) {
            throw RegistryException.badRequest("security server " + server.format() + " is not registered");
        }
        // Within the time window a captured request could be sent again (a clientEnable after a
        // later clientDisable, say): each signed request is carried out once.
        Optional<Long> filed = Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = ? AND server_id = ?"
                + " AND signed_request = ?", r -> r.getLong(1), request.type(), server.format(), signed);
        if (filed.isPresent()) {
            throw RegistryException.conflict("this signed " + request.type() + " request was already filed as"
                    + " request " + filed.get() + "; sign a new one to ask again");
        }
        if (request instanceof AddressChangeRequest move) {
            return fileAddressChange(c, move, signed);
        }
        long id = request instanceof ClientChangeRequest change ? fileClientChange(c, change, signed)
                : fileAuthCertDeletion(c, (AuthCertDeletionRequest) request, signed);
        decide(c, id, APPROVED, Actor.AUTO_APPROVAL, null);
        return find(c, id).orElseThrow();
    }

    /**
     * Records an {@code ownerChange} for an operator to decide (docs/registry.md, "Owner change"):
     * the server is registered, the new owner is a member of this instance, is not the owner
     * already, and one of its subsystems is a registered client of the server (X-Road's rule that
     * the new owner is already the server's client); no other owner change of the server is pending,
     * and this signed request was not filed before.
     */
    private RequestView fileOwnerChange(Connection c, OwnerChangeRequest change, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = change.server();
        MemberId newOwner = change.newOwner();
        Validation.sameInstance(members.instance(), server);
        MemberId owner = Servers.ownerOf(c, server).orElseThrow(() -> RegistryException.badRequest(
                "security server " + server.format() + " is not registered"));
        Optional<Long> filed = Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = ? AND server_id = ?"
                + " AND signed_request = ?", r -> r.getLong(1), OwnerChangeRequest.TYPE, server.format(), signed);
        if (filed.isPresent()) {
            throw RegistryException.conflict("this signed ownerChange request was already filed as request "
                    + filed.get() + "; sign a new one to ask again");
        }
        requireOwnerChangeAllowed(c, server, owner, newOwner);
        Optional<Long> pending = pendingOf(c, OwnerChangeRequest.TYPE, server, null);
        if (pending.isPresent()) {
            throw RegistryException.conflict("an owner change of " + server.format() + " is already pending as request "
                    + pending.get());
        }
        return find(c, Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, new_owner_id,"
                        + " signed_request, received_at) VALUES (?, ?, ?, ?, ?, ?)", OwnerChangeRequest.TYPE, PENDING,
                server.format(), newOwner.format(), signed, changes.clock().instant())).orElseThrow();
    }

    /** The registry's state allows {@code newOwner} to take {@code server} over from {@code owner}. */
    private static void requireOwnerChangeAllowed(Connection c, SecurityServerId server, MemberId owner,
                                                  MemberId newOwner) throws SQLException, RegistryException {
        if (newOwner.equals(owner)) {
            throw RegistryException.conflict(newOwner.format() + " already owns security server " + server.format());
        }
        if (!Members.memberExists(c, newOwner)) {
            throw RegistryException.badRequest("new owner " + newOwner.format() + " is not a member of this instance");
        }
        if (Jdbc.count(c, "SELECT COUNT(*) FROM server_client sc JOIN subsystem s ON s.id = sc.subsystem_id"
                + " WHERE sc.server_id = ? AND s.member_id = ?", server.format(), newOwner.format()) == 0) {
            throw RegistryException.badRequest("new owner " + newOwner.format() + " is not a registered client of"
                    + " security server " + server.format() + "; register one of its subsystems there (clientReg)"
                    + " first");
        }
    }

    private RequestView fileAddressChange(Connection c, AddressChangeRequest move, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = move.server();
        String address = Servers.checkAddress(move.address());
        if (address.equals(Servers.find(c, server).orElseThrow().address())) {
            throw RegistryException.conflict("security server " + server.format() + " is already at " + address);
        }
        Optional<Long> pending = pendingOf(c, AddressChangeRequest.TYPE, server, null);
        if (pending.isPresent()) {
            throw RegistryException.conflict("an address change of " + server.format()
                    + " is already pending as request " + pending.get());
        }
        return find(c, Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, address,"
                        + " signed_request, received_at) VALUES (?, ?, ?, ?, ?, ?)", AddressChangeRequest.TYPE,
                PENDING, server.format(), address, signed, changes.clock().instant())).orElseThrow();
    }

    private long fileClientChange(Connection c, ClientChangeRequest change, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = change.server();
        SubsystemId client = change.client();
        Optional<Boolean> disabled = Jdbc.queryOne(c, "SELECT disabled FROM server_client WHERE server_id = ?"
                + " AND subsystem_id = ?", r -> r.getBoolean(1), server.format(), client.format());
        Optional<Long> pendingReg = pendingOf(c, ClientRegRequest.TYPE, server, client);
        boolean withdrawsPending = change.type().equals(ClientChangeRequest.DELETION) && pendingReg.isPresent();
        if (disabled.isEmpty() && !withdrawsPending) {
            throw RegistryException.conflict(client.format() + " is not a client of " + server.format());
        }
        if (change.type().equals(ClientChangeRequest.DISABLE) && disabled.orElse(false)) {
            throw RegistryException.conflict(client.format() + " is already disabled on " + server.format());
        }
        if (change.type().equals(ClientChangeRequest.ENABLE) && !disabled.orElse(true)) {
            throw RegistryException.conflict(client.format() + " is not disabled on " + server.format());
        }
        long id = Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, client_id, signed_request,"
                        + " received_at) VALUES (?, ?, ?, ?, ?, ?)", change.type(), PENDING, server.format(),
                client.format(), signed, changes.clock().instant());
        if (withdrawsPending) {
            decide(c, pendingReg.get(), REJECTED, Actor.MANAGEMENT_REQUEST, "withdrawn by " + change.type()
                    + " request " + id);
        }
        return id;
    }

    private long fileAuthCertDeletion(Connection c, AuthCertDeletionRequest deletion, String signed)
            throws SQLException, RegistryException {
        SecurityServerId server = deletion.server();
        byte[] der = Base64.getDecoder().decode(deletion.authCertificate());
        String hash = HexFormat.of().formatHex(sha256(der));
        Optional<String> registeredTo = Jdbc.queryOne(c, "SELECT server_id FROM auth_certificate WHERE sha256 = ?",
                r -> r.getString(1), hash);
        if (registeredTo.isPresent() && !registeredTo.get().equals(server.format())) {
            throw RegistryException.conflict("this auth certificate is registered for " + registeredTo.get()
                    + ", not for " + server.format());
        }
        Optional<Long> pendingReg = Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = ? AND"
                        + " server_id = ? AND auth_cert_sha256 = ? AND status = ?", r -> r.getLong(1),
                AuthCertRegRequest.TYPE, server.format(), hash, PENDING);
        if (registeredTo.isEmpty() && pendingReg.isEmpty()) {
            throw RegistryException.conflict("this auth certificate (SHA-256 " + hash + ") is neither registered"
                    + " nor pending registration for " + server.format());
        }
        long id = Jdbc.insert(c, "INSERT INTO management_request (type, status, server_id, auth_cert_sha256,"
                        + " auth_certificate, signed_request, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                AuthCertDeletionRequest.TYPE, PENDING, server.format(), hash, der, signed, changes.clock().instant());
        if (pendingReg.isPresent()) {
            decide(c, pendingReg.get(), REJECTED, Actor.MANAGEMENT_REQUEST, "withdrawn by authCertDeletion request "
                    + id);
        }
        return id;
    }

    /** The pending request of this type about this server (and client, when given), if any. */
    private static Optional<Long> pendingOf(Connection c, String type, SecurityServerId server, SubsystemId client)
            throws SQLException {
        return client == null
                ? Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = ? AND server_id = ? AND status = ?",
                        r -> r.getLong(1), type, server.format(), PENDING)
                : Jdbc.queryOne(c, "SELECT id FROM management_request WHERE type = ? AND server_id = ? AND"
                        + " client_id = ? AND status = ?", r -> r.getLong(1), type, server.format(), client.format(),
                        PENDING);
    }

    /** Approves (carrying out the registration) or rejects a pending request. */
    private void decide(Connection c, long id, String status, Actor actor, String reason)
            throws SQLException, RegistryException {
        RequestView request = find(c, id).orElseThrow(() -> RegistryException.notFound("no management request " + id));
        if (!request.status().equals(PENDING)) {
            throw RegistryException.conflict("management request " + id + " is already " + request.status());
        }
        if (status.equals(APPROVED)) {
            carryOut(c, id, request);
        }
        Jdbc.update(c, "UPDATE management_request SET status = ?, decided_at = ?, decided_by = ?, decision_reason = ?"
                + " WHERE id = ?", status, changes.clock().instant(), actor.name(), reason, id);
    }

    private void carryOut(Connection c, long id, RequestView request) throws SQLException, RegistryException {
        String server = request.server().format();
        switch (request.type()) {
            case AuthCertRegRequest.TYPE -> registerAuthCertificate(c, id, request);
            case ClientRegRequest.TYPE -> registerClient(c, request);
            case ClientChangeRequest.DELETION -> Jdbc.update(c, "DELETE FROM server_client WHERE server_id = ? AND"
                    + " subsystem_id = ?", server, request.client().format());
            case ClientChangeRequest.DISABLE, ClientChangeRequest.ENABLE -> Jdbc.update(c, "UPDATE server_client"
                            + " SET disabled = ? WHERE server_id = ? AND subsystem_id = ?",
                    request.type().equals(ClientChangeRequest.DISABLE), server, request.client().format());
            case AuthCertDeletionRequest.TYPE -> Jdbc.update(c, "DELETE FROM auth_certificate WHERE sha256 = ? AND"
                    + " server_id = ?", request.authCertificateSha256(), server);
            case OwnerChangeRequest.TYPE -> {
                MemberId owner = Servers.ownerOf(c, request.server()).orElseThrow(() -> RegistryException.conflict(
                        "security server " + server + " is no longer registered"));
                requireOwnerChangeAllowed(c, request.server(), owner, request.newOwner());
                Jdbc.update(c, "UPDATE security_server SET owner_id = ? WHERE id = ?", request.newOwner().format(),
                        server);
            }
            case AddressChangeRequest.TYPE -> {
                if (Servers.find(c, request.server()).isEmpty()) {
                    throw RegistryException.conflict("security server " + server + " is no longer registered");
                }
                Jdbc.update(c, "UPDATE security_server SET address = ? WHERE id = ?", request.address(), server);
            }
            default -> throw new IllegalStateException("management request " + id + " has unknown type "
                    + request.type());
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    private void registerAuthCertificate(Connection c, long id, RequestView request) throws SQLException, RegistryException {
        SecurityServerId server = request.server();
        MemberId owner = Servers.ownerOf(c, server).orElse(server.owner());
        if (!Members.memberExists(c, owner)) {
            throw RegistryException.conflict("server owner " + owner.format() + " is no longer a member");
        }
        if (Servers.find(c, server).isEmpty()) {
            Jdbc.update(c, "INSERT INTO security_server (id, owner_id, address, created_at) VALUES (?, ?, ?, ?)",
                    server.format(), server.owner().format(), request.address(), changes.clock().instant());
        } else {
            Jdbc.update(c, "UPDATE security_server SET address = ? WHERE id = ?", request.address(), server.format());
        }
        byte[] der = Jdbc.queryOne(c, "SELECT auth_certificate FROM management_request WHERE id = ?",
                r -> r.getBytes(1), id).orElseThrow();
        Jdbc.update(c, "INSERT INTO auth_certificate (sha256, server_id, certificate, registered_at) VALUES (?, ?, ?, ?)",
                request.authCertificateSha256(), server.format(), der, changes.clock().instant());
    }

    private void registerClient(Connection c, RequestView request) throws SQLException, RegistryException {
        if (Servers.find(c, request.server()).isEmpty()) {
            throw RegistryException.conflict("security server " + request.server().format() + " is no longer registered");
        }
        SubsystemId client = request.client();
        if (!Members.memberExists(c, client.member())) {
            throw RegistryException.conflict("member " + client.member().format() + " is no longer a member");
        }
        if (Jdbc.count(c, "SELECT COUNT(*) FROM subsystem WHERE id = ?", client.format()) == 0) {
            members.insertSubsystem(c, client);
        }
        if (Jdbc.count(c, "SELECT COUNT(*) FROM server_client WHERE server_id = ? AND subsystem_id = ?",
                request.server().format(), client.format()) == 0) {
            Jdbc.update(c, "INSERT INTO server_client (server_id, subsystem_id) VALUES (?, ?)",
                    request.server().format(), client.format());
        }
    }

    private static Optional<RequestView> find(Connection c, long id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT * FROM management_request WHERE id = ?", Requests::view, id);
    }

    private static RequestView view(ResultSet r) throws SQLException {
        String client = r.getString("client_id");
        String newOwner = r.getString("new_owner_id");
        return new RequestView(r.getLong("id"), r.getString("type"), r.getString("status"),
                SecurityServerId.parse(r.getString("server_id")), client == null ? null : SubsystemId.parse(client),
                r.getString("address"), r.getString("auth_cert_sha256"), Jdbc.instant(r, "received_at"),
                Jdbc.instant(r, "decided_at"), r.getString("decided_by"), r.getString("decision_reason"),
                newOwner == null ? null : MemberId.parse(newOwner));
    }

    private static String pascal(String constant) {
        StringBuilder out = new StringBuilder();
        for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return out.toString();
    }

}
