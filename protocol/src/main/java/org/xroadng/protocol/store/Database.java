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
            reopenIfClosed(current);
            throw new StoreException(name + " database failed: " + e.getMessage(), e);
        }
    }

    /**
     * After a failure: replaces {@code failed} with a new pool if the database it serves closed.
     * It asks with a connection of that pool (the failed one, returned to it by now: H2 closes the
     * database under it once the failing session ends), and only when one is free at once, so a
     * failure never waits for a busy pool; the next failure asks again.
     */
    private void reopenIfClosed(JdbcConnectionPool failed) {
        synchronized (reopening) {
            if (closed || pool != failed || failed.getActiveConnections() >= failed.getMaxConnections()
                    || isOpen(failed)) {
                return;
            }
            LOG.warn("the {} database closed after a storage failure; opening it again", name);
            pool = newPool(url, name);
            reopenings++;
            failed.dispose();
        }
    }

    private static boolean isOpen(JdbcConnectionPool pool) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
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
