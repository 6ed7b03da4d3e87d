package org.xroadng.securityserver.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.securityserver.ServerException;

/**
 * Keeps the server manageable: a console user or an admin API key holding the
 * {@code system-administrator} role (the only role that manages users and keys) may be removed only
 * while another credential holding it remains, a user or an active key, so no change leaves a
 * server nobody can give access to again short of editing its database.
 *
 * <p>Runs inside the removing transaction, after taking row locks on both tables in one order
 * ({@code console_user}, then {@code admin_api_key}), so two removals at once cannot each see the
 * other's credential and both go through.
 */
final class SystemAdministrators {

    private SystemAdministrators() {
    }

    /**
     * Refuses, as a conflict, removing the user {@code removedUser} or revoking the key
     * {@code revokedKey} (either may be null) when no other user or active key holds the
     * system-administrator role; a removal of something that does not hold it is never refused here.
     */
    static void requireAnotherBesides(Connection c, String removedUser, Long revokedKey)
            throws SQLException, ServerException {
        List<String[]> users = Jdbc.query(c, "SELECT name, roles FROM console_user ORDER BY name FOR UPDATE",
                r -> new String[] {r.getString(1), r.getString(2)});
        List<String[]> keys = Jdbc.query(c, "SELECT id, roles FROM admin_api_key WHERE revoked_at IS NULL ORDER BY id"
                + " FOR UPDATE", r -> new String[] {Long.toString(r.getLong(1)), r.getString(2)});
        boolean removesOne = users.stream().anyMatch(u -> u[0].equals(removedUser) && administers(u[1]))
                || keys.stream().anyMatch(k -> revokedKey != null && k[0].equals(revokedKey.toString())
                && administers(k[1]));
        if (!removesOne) {
            return;
        }
        long others = users.stream().filter(u -> !u[0].equals(removedUser) && administers(u[1])).count()
                + keys.stream().filter(k -> (revokedKey == null || !k[0].equals(revokedKey.toString()))
                && administers(k[1])).count();
        if (others == 0) {
            throw ServerException.conflict((removedUser != null ? "user " + removedUser : "admin API key " + revokedKey)
                    + " is the last user or active admin API key with the system-administrator role; give that role"
                    + " to another user or key first, or nobody could manage users and keys on this server");
        }
    }

    private static boolean administers(String storedRoles) {
        return Role.parse(storedRoles).contains(Role.SYSTEM_ADMINISTRATOR);
    }
}
