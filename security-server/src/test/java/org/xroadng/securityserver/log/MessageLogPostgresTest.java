package org.xroadng.securityserver.log;

import java.sql.Connection;
import java.sql.SQLException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/**
 * Every {@link H2MessageLogTest} with the log's tables in a real PostgreSQL database, one per test;
 * the journal stays in the test's directory.
 */
class MessageLogPostgresTest extends H2MessageLogTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    @Override
    Connection connect() throws SQLException {
        return TestPostgres.connect(storage(), H2MessageLog.DATABASE_NAME);
    }
}
