package org.xroadng.auditlog.access.store;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link SealedEventsTest} with the access log in a real PostgreSQL database, one per test. */
class SealedEventsPostgresTest extends SealedEventsTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
