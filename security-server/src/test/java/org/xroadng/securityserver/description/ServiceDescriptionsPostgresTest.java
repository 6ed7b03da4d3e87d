package org.xroadng.securityserver.description;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link ServiceDescriptionsTest} on a real PostgreSQL database, one per test. */
class ServiceDescriptionsPostgresTest extends ServiceDescriptionsTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
