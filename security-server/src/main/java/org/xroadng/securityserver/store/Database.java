package org.xroadng.securityserver.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The security server database: H2 in a file by default (any JDBC URL works), schema migrated by Flyway
 * from {@code db/securityserver} at start. {@link #inTransaction} runs work in one transaction that is
 * committed only when the work returns normally, so a refused change leaves nothing behind.
 */
public final class Database implements AutoCloseable {

    private final JdbcConnectionPool pool;

    private Database(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    public static Database open(Path file) {
        return open("jdbc:h2:file:" + file.toAbsolutePath() + ";AUTO_SERVER=TRUE");
    }

    public static Database open(String jdbcUrl) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "securityserver", "");
        pool.setMaxConnections(16);
        Flyway.configure().dataSource(pool).locations("classpath:db/securityserver").load().migrate();
        return new Database(pool);
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
            throw new StoreException("security server database failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
