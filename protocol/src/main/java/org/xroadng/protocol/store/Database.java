package org.xroadng.protocol.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A component's database: H2 in a file by default (any JDBC URL works), schema migrated by Flyway
 * from {@code classpath:db/<name>} at start. {@link #inTransaction} runs work in one transaction
 * that is committed only when the work returns normally, so a refused change leaves nothing behind.
 */
public final class Database implements AutoCloseable {

    private final JdbcConnectionPool pool;
    private final String name;

    private Database(JdbcConnectionPool pool, String name) {
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
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, name, "");
        pool.setMaxConnections(16);
        Flyway.configure().dataSource(pool).locations("classpath:db/" + name).load().migrate();
        return new Database(pool, name);
    }

    /** Work done on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run(Connection connection) throws SQLException, E;
    }

    public <T, E extends Exception> T inTransaction(Work<T, E> work) throws E {
        try (Connection connection = pool.getConnection()) {
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
            throw new StoreException(name + " database failed: " + e.getMessage(), e);
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
        pool.dispose();
    }
}
