package org.xroadng.protocol.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's database: H2 in a file by default (any JDBC URL works), schema migrated by Flyway
 * from {@code classpath:db/<name>} at start. {@link #inTransaction} runs work in one transaction
 * that is committed only when the work returns normally, so a refused change leaves nothing behind.
 *
 * <p>When the storage fails under H2 (a full disk, a failed write or {@code fsync}), H2 closes the
 * database, and every connection pooled before stays bound to the closed one. So after a failed
 * transaction this class asks the database whether it is still open and, if not, replaces the
 * pool: the next transaction opens the file again and sees what H2 recovered from it, which is
 * what callers that keep state in memory must reload (see {@link #reopenings()}).
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final String url;
    private final String name;
    private final Object reopening = new Object();
    private volatile JdbcConnectionPool pool;
    private volatile long reopenings;
    private volatile boolean closed;

    private Database(String url, JdbcConnectionPool pool, String name) {
        this.url = url;
        this.pool = pool;
        this.name = name;
    }

    /**
     * Opens (creating if needed) the H2 database in {@code file}, in auto-server mode so that an
     * operator's command can use it while the component runs.
     *
     * @param name the component: its migrations are in {@code db/<name>}
     */
    public static Database open(Path file, String name) {
        return open("jdbc:h2:file:" + file.toAbsolutePath() + ";AUTO_SERVER=TRUE", name);
    }

    public static Database open(String jdbcUrl, String name) {
        JdbcConnectionPool pool = newPool(jdbcUrl, name);
        Flyway.configure().dataSource(pool).locations("classpath:db/" + name).load().migrate();
        return new Database(jdbcUrl, pool, name);
    }

    private static JdbcConnectionPool newPool(String jdbcUrl, String name) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, name, "");
        pool.setMaxConnections(16);
        return pool;
    }

    /**
     * How many times the database was found closed under a failure and opened again. Whatever a
     * caller keeps in memory about the stored data was valid only before the latest reopening.
     */
    public long reopenings() {
        return reopenings;
    }

    /** Work done on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run(Connection connection) throws SQLException, E;
    }

    public <T, E extends Exception> T inTransaction(Work<T, E> work) throws E {
        JdbcConnectionPool current = pool;
        try (Connection connection = current.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (Exception e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            reopenIfClosed(current, e);
            throw new StoreException(name + " database failed: " + e.getMessage(), e);
        }
    }

    /**
     * After a failure: replaces {@code failed} with a new pool when the failure says the database
     * closed under it (H2 closes it when a write or sync fails: "IO Exception", "database is
     * closed"). Decided from the exception alone: asking the pool would open the database file
     * again, and on a full disk that waits on H2's file lock for seconds while writers queue up. A
     * wrong guess costs a new pool on the same open database.
     */
    private void reopenIfClosed(JdbcConnectionPool failed, SQLException failure) {
        if (!closedUnder(failure)) {
            return;
        }
        synchronized (reopening) {
            if (closed || pool != failed) {
                return;
            }
            LOG.warn("the {} database closed after a storage failure; it is opened again on next use", name);
            pool = newPool(url, name);
            reopenings++;
            failed.dispose();
        }
    }

    /** H2's error codes for a database that a storage failure closed (org.h2.api.ErrorCode). */
    private static final java.util.Set<Integer> CLOSED_CODES = java.util.Set.of(
            90098, // DATABASE_IS_CLOSED
            90121, // DATABASE_CALLED_AT_SHUTDOWN
            90028, // IO_EXCEPTION_1
            90031, // IO_EXCEPTION_2
            90030, // FILE_CORRUPTED_1
            50000); // GENERAL_ERROR_1, as an MVStore write failure is reported

    private static boolean closedUnder(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && CLOSED_CODES.contains(e.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes everything committed so far to the database file (H2's {@code CHECKPOINT}), without
     * forcing it to the device: it then survives a crash of the process, not of the machine.
     */
    public void flush() {
        inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT");
            }
            return null;
        });
    }

    /**
     * Forces everything committed so far to the storage device (H2's {@code CHECKPOINT SYNC}, an
     * fsync), so it survives a power loss, not only a crash of the process. One device flush.
     */
    public void sync() {
        inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
            return null;
        });
    }

    @Override
    public void close() {
        synchronized (reopening) {
            closed = true;
        }
        pool.dispose();
    }
}
