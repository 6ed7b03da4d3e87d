package org.xroadng.securityserver.log.timestamp;

import java.sql.Connection;
import java.sql.SQLException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;
import org.xroadng.securityserver.log.H2MessageLog;

/** Every {@link BatchTimestamperTest} (batch timestamping) with the log's tables in a real PostgreSQL database, one per test. */
class BatchTimestamperPostgresTest extends BatchTimestamperTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    @Override
    Connection connect() throws SQLException {
        return TestPostgres.connect(storage(), H2MessageLog.DATABASE_NAME);
    }
}
