package org.xroadng.registry;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link OwnerChangeTest} with the registry's (and the CA's) tables in a real PostgreSQL database, one per test. */
class OwnerChangePostgresTest extends OwnerChangeTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
