package org.xroadng.auditlog.merkle.store;

import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/** Every {@link H2MerkleLogTest} with the Merkle log in a real PostgreSQL database, one per test. */
class MerkleLogPostgresTest extends H2MerkleLogTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }
}
