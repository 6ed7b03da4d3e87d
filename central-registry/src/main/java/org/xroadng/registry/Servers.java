package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.registry.management.ServerOwners;

/**
 * Registered security servers. A server comes into the registry through an approved
 * {@code authCertReg} and gains clients through approved {@code clientReg}s (see {@link Requests});
 * operators may change its address or remove it.
 */
public final class Servers {

    /**
     * A server as the operator API shows it; {@code disabledClients} are registered but suspended;
     * {@code owner} is the member that owns it now, the member its identifier names unless an
     * {@code ownerChange} was approved.
     */
    public record ServerView(SecurityServerId id, String address, List<String> authCertificateHashes,
                             List<SubsystemId> clients, List<SubsystemId> disabledClients, MemberId owner) {
    }

    private final Changes changes;

    public Servers(Changes changes) {
        this.changes = changes;
    }

    public Page<ServerView> list(int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        return changes.database().inTransaction(c -> {
            List<SecurityServerId> ids = Jdbc.query(c, "SELECT id FROM security_server ORDER BY id LIMIT ? OFFSET ?",
                    r -> SecurityServerId.parse(r.getString(1)), limit, offset);
            List<ServerView> items = new ArrayList<>();
            for (SecurityServerId id : ids) {
                items.add(find(c, id).orElseThrow());
            }
            return new Page<>(items, offset, limit, Jdbc.count(c, "SELECT COUNT(*) FROM security_server"));
        });
    }

    public ServerView get(SecurityServerId id) throws RegistryException {
        return changes.database().<ServerView, RegistryException>inTransaction(c -> find(c, id)
                .orElseThrow(() -> RegistryException.notFound("no security server " + id.format())));
    }

    public ServerView updateAddress(Actor actor, SecurityServerId id, String address) throws RegistryException {
        return changes.apply(actor, "securityServer.update", id.format(), c -> {
            String checked = checkAddress(address);
            if (Jdbc.update(c, "UPDATE security_server SET address = ? WHERE id = ?", checked, id.format()) == 0) {
                throw RegistryException.notFound("no security server " + id.format());
            }
            return find(c, id).orElseThrow();
        });
    }

    public void delete(Actor actor, SecurityServerId id) throws RegistryException {
        changes.apply(actor, "securityServer.delete", id.format(), c -> {
            if (Jdbc.update(c, "DELETE FROM security_server WHERE id = ?", id.format()) == 0) {
                throw RegistryException.notFound("no security server " + id.format());
            }
            return null;
        });
    }

    /** A server proxy address: {@code host:port} with a port from 1 to 65535. */
    static String checkAddress(String address) throws RegistryException {
        String text = Validation.text("address", address, 1000);
        int colon = text.lastIndexOf(':');
        boolean valid = colon > 0 && text.substring(colon + 1).matches("[0-9]{1,5}")
                && Integer.parseInt(text.substring(colon + 1)) >= 1 && Integer.parseInt(text.substring(colon + 1)) <= 65535
                && text.substring(0, colon).matches("[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:]+\\]");
        if (!valid) {
            throw RegistryException.badRequest("address '" + text + "' is not host:port (for example ss1.example.org:5500)");
        }
        return text;
    }

    /** The member that owns the registered server {@code id} now; empty when it is not registered. */
    static Optional<MemberId> ownerOf(Connection c, SecurityServerId id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT owner_id FROM security_server WHERE id = ?",
                r -> MemberId.parse(r.getString(1)), id.format());
    }

    /**
     * The servers whose owner is not the member their identifier names (an {@code ownerChange} was
     * approved), for {@link org.xroadng.registry.management.ManagementRequestVerifier}. Identifier
     * parts cannot hold {@code %} or {@code _}, so the pattern matches literally.
     */
    static ServerOwners owners(Connection c) throws SQLException {
        Map<SecurityServerId, MemberId> changed = new HashMap<>();
        for (String[] row : Jdbc.query(c, "SELECT id, owner_id FROM security_server WHERE id NOT LIKE"
                + " owner_id || '/%'", r -> new String[] {r.getString(1), r.getString(2)})) {
            changed.put(SecurityServerId.parse(row[0]), MemberId.parse(row[1]));
        }
        return ServerOwners.changed(changed);
    }

    static Optional<ServerView> find(Connection c, SecurityServerId id) throws SQLException {
        record Row(String address, MemberId owner) {
        }
        Optional<Row> row = Jdbc.queryOne(c, "SELECT address, owner_id FROM security_server WHERE id = ?",
                r -> new Row(r.getString(1), MemberId.parse(r.getString(2))), id.format());
        if (row.isEmpty()) {
            return Optional.empty();
        }
        List<String> hashes = Jdbc.query(c, "SELECT sha256 FROM auth_certificate WHERE server_id = ? ORDER BY sha256",
                r -> r.getString(1), id.format());
        List<SubsystemId> clients = Jdbc.query(c,
                "SELECT subsystem_id FROM server_client WHERE server_id = ? AND NOT disabled ORDER BY subsystem_id",
                r -> SubsystemId.parse(r.getString(1)), id.format());
        List<SubsystemId> disabled = Jdbc.query(c,
                "SELECT subsystem_id FROM server_client WHERE server_id = ? AND disabled ORDER BY subsystem_id",
                r -> SubsystemId.parse(r.getString(1)), id.format());
        return Optional.of(new ServerView(id, row.get().address(), hashes, clients, disabled, row.get().owner()));
    }
}
