package org.xroadng.auditlog.access.store;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link H2AccessLogTest} with the access log in a real PostgreSQL database, one per test. */
class AccessLogPostgresTest extends H2AccessLogTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
