package org.xroadng.securityserver.admin;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/**
 * Every {@link AdminApiTest} on a server made with its tables in a real PostgreSQL database (one
 * per test): its configuration, keys' roles, API keys and audit trail.
 */
class AdminApiPostgresTest extends AdminApiTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
