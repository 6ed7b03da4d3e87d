package org.xroadng.securityserver.conf;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link ServerConfStoreTest} on a real PostgreSQL database, one per test. */
class ServerConfStorePostgresTest extends ServerConfStoreTest {

    private DatabaseSettings database;

    @Override
    DatabaseSettings storage() {
        if (database == null) {
            database = TestPostgres.shared().newDatabase(dir);
        }
        return database;
    }
}
