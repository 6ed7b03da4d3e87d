package org.xroadng.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * How every change to the registry is made: one at a time, in one transaction that also writes
 * its line in the admin audit trail, followed by a new global configuration. A refused change is
 * rolled back whole and then recorded as refused, with the reason, in a transaction of its own.
 */
public final class Changes {

    /** Runs after every successful change, outside the transaction (the publisher). */
    public interface Listener {
        void changed();
    }

    private final Database database;
    private final Clock clock;
    private final Object writeLock = new Object();
    private volatile Listener listener = () -> { };

    public Changes(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /** One change's work, inside its transaction. */
    @FunctionalInterface
    public interface Change<T> {
        T apply(Connection connection) throws SQLException, RegistryException;
    }

    public <T> T apply(Actor actor, String action, String target, Change<T> change) throws RegistryException {
        T result;
        synchronized (writeLock) {
            try {
                result = database.inTransaction(c -> {
                    T value = change.apply(c);
                    audit(c, actor, action, target, "success", null);
                    return value;
                });
            } catch (RegistryException e) {
                refused(actor, action, target, e.getMessage());
                throw e;
            }
        }
        listener.changed();
        return result;
    }

    /** Records a refused attempt that never reached a change (bad credentials, missing role). */
    public void refused(Actor actor, String action, String target, String reason) {
        database.inTransaction(c -> {
            audit(c, actor, action, target, "refused", reason);
            return null;
        });
    }

    /**
     * Writes a {@code success} line in a transaction of its own, for an event that changes nothing
     * published (a console sign-in or sign-out): no new global configuration follows.
     */
    public void succeeded(Actor actor, String action, String target) {
        database.inTransaction(c -> {
            audit(c, actor, action, target, "success", null);
            return null;
        });
    }

    /**
     * Writes a {@code success} line in the admin audit trail inside the caller's transaction, for
     * work that changes no published entity (no new global configuration follows), such as an
     * accepted access-log checkpoint: the line exists exactly when that transaction commits.
     */
    public void recordSuccess(Connection c, Actor actor, String action, String target, String detail)
            throws SQLException {
        audit(c, actor, action, target, "success", detail);
    }

    public Database database() {
        return database;
    }

    public Clock clock() {
        return clock;
    }

    private void audit(Connection c, Actor actor, String action, String target, String outcome, String detail)
            throws SQLException {
        Jdbc.update(c, "INSERT INTO admin_audit (occurred_at, actor, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
                clock.instant(), actor.name(), action, truncate(target, 1100), outcome, truncate(detail, 4000));
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
