package org.xroadng.protocol.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's database, with a kept connection pool and its schema migrated by
 * Flyway at start: an H2 file by default, or a schema of a PostgreSQL database (see
 * {@link DatabaseSettings}). The migrations are {@code classpath:db/<name>} for H2 and
 * {@code classpath:db/postgresql/<name>} for PostgreSQL, numbered alike, so a schema version means
 * the same tables on either engine. {@link #inTransaction} runs work in one transaction that is
 * committed only when the work returns normally, so a refused change leaves nothing behind.
 *
 * <p>A database written by a newer release (a schema version this one does not know) is refused
 * before anything is written to it.
 *
 * <p>When the storage fails under H2 (a full disk, a failed write or {@code fsync}), H2 closes the
 * database, and every connection pooled before stays bound to the closed one. So after a failed
 * transaction this class asks the database whether it is still open and, if not, replaces the
 * pool: the next transaction opens the file again and sees what H2 recovered from it, which is
 * what callers that keep state in memory must reload (see {@link #reopenings()}). PostgreSQL
 * survives such failures on its side; the pool drops broken connections by itself.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_CONNECTIONS = 16;
    private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;
    /**
     * How long a transaction on an embedded H2 file waits for a connection once the file is open:
     * a connection to an open file takes milliseconds; one that cannot be had is a file that
     * cannot be opened again (a full disk), and then the caller (the message log's writer, with
     * exchanges queued behind it) should hear so in a second, not five: DiskFullTest saw every
     * client wait 10 s while two repairs each waited out 5 s.
     */
    private static final long H2_CONNECTION_TIMEOUT_MILLIS = 1_000;
    /**
     * How long opening an H2 file may take at start: after a crash H2 waits until the dead
     * process's lock file is 2 s old, then checks it for 2 s more.
     */
    private static final long H2_OPEN_TIMEOUT_MILLIS = 15_000;
    /** How long {@link #lock} waits for a lock another process holds before it fails. */
    private static final int LOCK_WAIT_SECONDS = 30;

    /** The two engines, told apart by the JDBC URL. */
    public enum Engine {
        H2, POSTGRESQL;

        static Engine of(String jdbcUrl) {
            return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
        }
    }

    /**
     * Where to connect: the URL, the role and its password, the component database's name (its
     * migrations), its schema on PostgreSQL (the name, or the name and a node's for what each node
     * of a server keeps apart), and where these came from (for messages).
     */
    public record Target(String url, String user, String password, String name, String schema, String source) {

        static Target h2(String url, String name) {
            // H2 made each file with the component's name as its administrator, without a password
            return new Target(url, name, "", name, name, url);
        }

        Engine engine() {
            return Engine.of(url);
        }

        @Override
        public String toString() {
            return "Target[" + url + " as " + user + ", " + schema + "]";
        }
    }

    /** A pool of connections and how to close it. */
    private record Pool(DataSource source, Runnable close) {
    }

    private final Target target;
    private final Engine engine;
    private final Object reopening = new Object();
    private volatile Pool pool;
    private volatile long reopenings;
    private volatile boolean closed;

    private Database(Target target, Pool pool) {
        this.target = target;
        this.engine = target.engine();
        this.pool = pool;
    }

    /**
     * Opens (creating if needed) the H2 database in {@code file}, in auto-server mode so that an
     * operator's command can use it while the component runs.
     *
     * @param name the component database: its migrations are in {@code db/<name>}
     */
    public static Database open(Path file, String name) {
        return open(h2Url(file), name);
    }

    /**
     * As {@link #open(Path, String)}, for tables that are an index of an append-only journal which
     * is durable by itself (the message log's and the access log's): H2 writes their commits in the
     * background, at most {@value #JOURNALLED_WRITE_DELAY_MILLIS} ms later, and what a crash loses
     * is rebuilt from the journal when the log opens.
     */
    public static Database openBehindJournal(Path file, String name) {
        return open(h2UrlBehindJournal(file), name);
    }

    /**
     * The JDBC URL of the H2 database in {@code file}: auto-server mode, and no {@code .trace.db}
     * file beside it ({@code TRACE_LEVEL_FILE=0}): every failure H2 reports reaches the component
     * as an exception, which it logs. (H2's own shutdown hook closes the database, and auto-server
     * mode does not allow turning that off; see {@link #closedByVmShutdown}.) A page cache of 4 MB
     * ({@code CACHE_SIZE}, in KB) instead of H2's 16 MB: a security server keeps three H2 files in
     * one heap, meant to fit 256 MB, and the logs' pages pass through the cache as they are written,
     * living seconds, so that every young collection copied H2's cache again (about 20 MB of the
     * survivors of two servers under load in one JVM, measured with {@code -Xlog:gc+age=trace}).
     *
     * <p>Every commit is written to the file before it returns ({@code WRITE_DELAY=0}). H2's default
     * keeps committed changes in memory for up to half a second: a {@code kill -9} lost them, and so
     * did a failed background write on a full disk, after the caller had been told they were
     * stored (the registry's witness answered a checkpoint it then no longer held). Now a commit
     * that cannot be written fails in the caller's transaction.
     */
    public static String h2Url(Path file) {
        return h2Url(file, 0);
    }

    /** H2's default background write of commits, for tables a journal makes durable ({@link #openBehindJournal}). */
    private static final int JOURNALLED_WRITE_DELAY_MILLIS = 500;

    /** The JDBC URL of {@link #openBehindJournal}: as {@link #h2Url}, with commits written in the background. */
    public static String h2UrlBehindJournal(Path file) {
        return h2Url(file, JOURNALLED_WRITE_DELAY_MILLIS);
    }

    private static String h2Url(Path file, int writeDelayMillis) {
        return "jdbc:h2:file:" + file.toAbsolutePath() + ";AUTO_SERVER=TRUE;TRACE_LEVEL_FILE=0;CACHE_SIZE=4096;WRITE_DELAY="
                + writeDelayMillis;
    }

    /**
     * Whether {@code failure} is H2 refusing work because its own shutdown hook closed the
     * database while the JVM stops: an expected race with the component's shutdown hook, not a
     * storage failure. H2 reports any closed session with error 90121, also after a storage
     * failure closed the database, so the JVM must be stopping too.
     */
    public static boolean closedByVmShutdown(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getErrorCode() == DATABASE_CALLED_AT_SHUTDOWN) {
                return jvmStopping();
            }
        }
        return false;
    }

    /** Whether the JVM runs its shutdown hooks: it then refuses new ones (Runtime#addShutdownHook). */
    private static boolean jvmStopping() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException stopping) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    /** Opens the H2 database at {@code jdbcUrl}. */
    public static Database open(String jdbcUrl, String name) {
        return open(Target.h2(jdbcUrl, name));
    }

    /**
     * Opens the database at {@code target}, refusing with a message that names the setting at
     * fault when it cannot be reached, refuses the role or its password, or holds a newer schema.
     */
    public static Database open(Target target) {
        Pool pool;
        try {
            pool = newPool(target, true);
        } catch (HikariPool.PoolInitializationException e) {
            throw refusal(target, e.getCause() instanceof SQLException sql ? sql : null, e);
        }
        try {
            migrate(target, pool.source());
        } catch (RuntimeException e) {
            pool.close().run();
            throw e;
        }
        return new Database(target, pool);
    }

    /**
     * HikariCP for both engines. For PostgreSQL, connections cross the network and must be
     * validated, replaced and bounded in time; a database that cannot be reached is refused at
     * start, at once. For an embedded H2 file it keeps each session's parsed statements: H2's own
     * pool rolls every connection back as it is taken and as it is returned, and a rollback empties
     * the session's query cache, so that every statement was parsed again in every transaction
     * (about a tenth of the message-log writer's time, found with JFR). Hikari rolls back only a
     * connection returned with work not committed. At start ({@code first}) an H2 pool opens its
     * file before it is returned, waiting for as long as opening after a crash takes; after a
     * storage failure closed the database, the new pool ({@link #reopenIfClosed}) opens it again
     * on its first use, in the background, and a transaction waits a second for it at most.
     */
    private static Pool newPool(Target target, boolean first) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(target.name());
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(MAX_CONNECTIONS);
        config.setAutoCommit(false);
        // later, a transaction waits at most a few seconds for a connection before it fails
        config.setConnectionTimeout(target.engine() == Engine.POSTGRESQL ? CONNECTION_TIMEOUT_MILLIS
                : H2_CONNECTION_TIMEOUT_MILLIS);
        if (target.engine() == Engine.POSTGRESQL) {
            config.setMinimumIdle(2);
            config.setInitializationFailTimeout(1);
            config.setSchema(target.schema());
            config.addDataSourceProperty("ApplicationName", "xroad-" + target.name());
        } else {
            config.setMinimumIdle(1);
            config.setInitializationFailTimeout(first ? H2_OPEN_TIMEOUT_MILLIS : -1);
        }
        HikariDataSource hikari = new HikariDataSource(config);
        return new Pool(hikari, hikari::close);
    }

    private static void migrate(Target target, DataSource pool) {
        FluentConfiguration configuration = Flyway.configure().dataSource(pool);
        if (target.engine() == Engine.POSTGRESQL) {
            configuration.locations("classpath:db/postgresql/" + target.name()).schemas(target.schema())
                    .defaultSchema(target.schema()).createSchemas(true);
        } else {
            configuration.locations("classpath:db/" + target.name());
        }
        Flyway flyway = configuration.load();
        try {
            MigrationInfo[] all = flyway.info().all();
            MigrationInfo newest = null;
            String known = "none";
            for (MigrationInfo m : all) {
                if (m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED) {
                    newest = m;
                } else if (m.getVersion() != null) {
                    known = m.getVersion().toString();
                }
            }
            if (newest != null) {
                throw new StoreException(where(target, DatabaseSettings.URL_KEY) + "the " + target.name()
                        + " database has schema version " + newest.getVersion() + ", newer than this release knows ("
                        + known + "); run the release that wrote it, or restore the backup taken before the"
                        + " upgrade. Nothing was changed", null);
            }
            flyway.migrate();
        } catch (FlywayException e) {
            SQLException sql = sqlCause(e);
            if (sql != null) {
                throw refusal(target, sql, e);
            }
            throw new StoreException(where(target, DatabaseSettings.URL_KEY) + "the " + target.name()
                    + " database's schema cannot be brought up to date: " + e.getMessage(), e);
        }
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    /** A one-line refusal naming the setting that is likely at fault, from PostgreSQL's SQL state. */
    private static StoreException refusal(Target target, SQLException cause, Exception failure) {
        String state = cause == null || cause.getSQLState() == null ? "" : cause.getSQLState();
        String reason = cause == null ? String.valueOf(failure.getMessage()) : firstLine(cause.getMessage());
        String message;
        if (target.engine() == Engine.H2) {
            message = "the " + target.name() + " database " + target.url() + " cannot be opened: " + reason;
        } else if (state.equals("28P01")) {
            message = where(target, DatabaseSettings.PASSWORD_FILE_KEY) + "PostgreSQL refused the password of role '"
                    + target.user() + "' at " + target.url() + " (" + reason + ")";
        } else if (state.startsWith("28")) {
            message = where(target, DatabaseSettings.USER_KEY) + "PostgreSQL refused role '" + target.user()
                    + "' at " + target.url() + " (" + reason + ")";
        } else if (state.equals("3D000")) {
            message = where(target, DatabaseSettings.URL_KEY) + "the database named in " + target.url()
                    + " does not exist (" + reason + "); create it, or correct the URL";
        } else if (state.equals("42501")) {
            message = where(target, DatabaseSettings.USER_KEY) + "role '" + target.user()
                    + "' may not create or change schema '" + target.schema() + "' (" + reason
                    + "); grant it CREATE on the database, or create the schema for it";
        } else if (state.startsWith("08") || cause == null) {
            message = where(target, DatabaseSettings.URL_KEY) + "cannot reach PostgreSQL at " + target.url() + " ("
                    + reason + ")";
        } else {
            message = where(target, DatabaseSettings.URL_KEY) + "PostgreSQL at " + target.url() + " refused the "
                    + target.name() + " database: " + reason + (state.isEmpty() ? "" : " (SQL state " + state + ")");
        }
        return new StoreException(message, failure);
    }

    private static String where(Target target, String key) {
        return target.engine() == Engine.H2 ? "" : DatabaseSettings.where(target.source(), key);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "no detail";
        }
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }

    public Engine engine() {
        return engine;
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
        Pool current = pool;
        try (Connection connection = current.source().getConnection()) {
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
            throw new StoreException(target.name() + " database failed: " + e.getMessage(), e);
        }
    }

    /**
     * After a failure: replaces {@code failed} with a new pool when the failure says the H2
     * database closed under it (H2 closes it when a write or sync fails: "IO Exception", "database
     * is closed"). Decided from the exception alone: asking the pool would open the database file
     * again, and on a full disk that waits on H2's file lock for seconds while writers queue up. A
     * wrong guess costs a new pool on the same open database.
     */
    private void reopenIfClosed(Pool failed, SQLException failure) {
        if (engine != Engine.H2 || !closedUnder(failure)) {
            return;
        }
        if (closedByVmShutdown(failure)) {
            LOG.debug("the {} database was closed by the JVM's shutdown", target.name());
            return;
        }
        synchronized (reopening) {
            if (closed || pool != failed) {
                return;
            }
            LOG.warn("the {} database closed after a storage failure; it is opened again on next use", target.name());
            pool = newPool(target, false);
            reopenings++;
            failed.close().run();
        }
    }

    /** org.h2.api.ErrorCode.DATABASE_CALLED_AT_SHUTDOWN. */
    private static final int DATABASE_CALLED_AT_SHUTDOWN = 90121;

    /** H2's error codes for a database that a storage failure closed (org.h2.api.ErrorCode). */
    private static final Set<Integer> CLOSED_CODES = Set.of(
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

    /** Whether the database answers a trivial query now; a failure is logged, not thrown. */
    public boolean reachable() {
        try {
            return inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                return true;
            });
        } catch (StoreException e) {
            LOG.warn("the {} database does not answer: {}", target.name(), e.getMessage());
            return false;
        }
    }

    /** A lock taken with {@link #lock}; {@link #close} lets it go. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Waits for, then holds, the lock named {@code key} among every process using this database:
     * on PostgreSQL a session advisory lock, held on a connection of its own until the returned
     * lock is closed (or the connection is lost, which PostgreSQL notices and lets the lock go);
     * on H2 nothing, since only one process writes an embedded file. For work spanning several
     * transactions that nodes sharing the database must take turns at.
     *
     * @throws StoreException when the database cannot be reached, or the lock is not free within
     *         {@value #LOCK_WAIT_SECONDS} seconds
     */
    public Lock lock(long key) {
        return advisoryLock(key, true).orElseThrow();
    }

    /**
     * Holds the lock named {@code key} if no other process holds it, as {@link #lock} (empty when
     * another does); on H2 always held, since the file is this process's.
     *
     * @throws StoreException when the database cannot be reached
     */
    public Optional<Lock> tryLock(long key) {
        return advisoryLock(key, false);
    }

    /** The session advisory lock {@code key} on a connection of its own: waited for, or only tried. */
    private Optional<Lock> advisoryLock(long key, boolean wait) {
        if (engine == Engine.H2) {
            return Optional.of(() -> { });
        }
        Connection connection;
        try {
            connection = pool.source().getConnection();
        } catch (SQLException e) {
            throw new StoreException(target.name() + " database failed: " + e.getMessage(), e);
        }
        try {
            connection.setAutoCommit(true);
            if (wait) {
                try (Statement s = connection.createStatement()) {
                    // A holder that vanished without its connection closing (a network partition) keeps the
                    // lock until PostgreSQL's TCP keepalives notice: fail after a while rather than hang.
                    s.execute("SET lock_timeout = '" + LOCK_WAIT_SECONDS + "s'");
                }
            }
            boolean held;
            try (PreparedStatement s = connection.prepareStatement(
                    wait ? "SELECT pg_advisory_lock(?), TRUE" : "SELECT pg_try_advisory_lock(?)")) {
                s.setLong(1, key);
                try (ResultSet r = s.executeQuery()) {
                    held = r.next() && r.getBoolean(wait ? 2 : 1);
                }
            }
            if (!held) {
                closeQuietly(connection);
                return Optional.empty();
            }
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException(target.name() + " database failed taking lock " + key + ": " + e.getMessage(), e);
        }
        return Optional.of(unlocking(connection, key));
    }

    /** The schema this database's tables are in on PostgreSQL (on H2, the component's name). */
    public String schema() {
        return target.schema();
    }

    private Lock unlocking(Connection connection, long key) {
        return () -> {
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                s.setLong(1, key);
                s.execute();
            } catch (SQLException e) {
                // The connection is broken: PostgreSQL lets the lock go with the session.
                LOG.warn("the {} database's lock {} could not be let go: {}", target.name(), key, e.getMessage());
            } finally {
                closeQuietly(connection);
            }
        };
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a connection failed: {}", e.getMessage());
        }
    }

    /**
     * Writes everything committed so far to the database file (H2's {@code CHECKPOINT}), without
     * forcing it to the device: it then survives a crash of the process, not of the machine. On
     * PostgreSQL a commit is already in its write-ahead log, so there is nothing to do.
     */
    public void flush() {
        if (engine == Engine.H2) {
            execute("CHECKPOINT");
        }
    }

    /**
     * Forces everything committed so far to the storage device (H2's {@code CHECKPOINT SYNC}, an
     * fsync), so it survives a power loss, not only a crash of the process. One device flush. On
     * PostgreSQL a commit returns only once its write-ahead log is forced (with the default
     * {@code synchronous_commit}), so there is nothing to do.
     */
    public void sync() {
        if (engine == Engine.H2) {
            execute("CHECKPOINT SYNC");
        }
    }

    private void execute(String sql) {
        inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    @Override
    public void close() {
        synchronized (reopening) {
            closed = true;
        }
        pool.close().run();
    }
}
