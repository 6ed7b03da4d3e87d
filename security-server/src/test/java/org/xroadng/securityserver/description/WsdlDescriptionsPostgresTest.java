package org.xroadng.securityserver.description;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link WsdlDescriptionsTest} on a real PostgreSQL database (its V4 migration), one per test. */
class WsdlDescriptionsPostgresTest extends WsdlDescriptionsTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
