package org.xroadng.securityserver.keys;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link ServerKeysTest} with the keys' roles in a real PostgreSQL database, one per test. */
class ServerKeysPostgresTest extends ServerKeysTest {

    private DatabaseSettings database;

    @Override
    DatabaseSettings storage() {
        if (database == null) {
            database = TestPostgres.shared().newDatabase(dir);
        }
        return database;
    }
}
