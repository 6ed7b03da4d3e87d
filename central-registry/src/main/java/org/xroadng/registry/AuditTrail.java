package org.xroadng.registry;

import java.time.Instant;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/** The admin audit trail: every change and every refused attempt, newest first. */
public final class AuditTrail {

    public record Entry(long id, Instant at, String actor, String action, String target, String outcome, String detail) {
    }

    private final Database database;

    public AuditTrail(Database database) {
        this.database = database;
    }

    public Page<Entry> list(int offset, int limit) throws RegistryException {
        Page.check(offset, limit);
        return database.inTransaction(c -> new Page<>(Jdbc.query(c,
                "SELECT id, occurred_at, actor, action, target, outcome, detail FROM admin_audit ORDER BY id DESC LIMIT ? OFFSET ?",
                r -> new Entry(r.getLong("id"), Jdbc.instant(r, "occurred_at"), r.getString("actor"), r.getString("action"),
                        r.getString("target"), r.getString("outcome"), r.getString("detail")), limit, offset),
                offset, limit, Jdbc.count(c, "SELECT COUNT(*) FROM admin_audit")));
    }
}
