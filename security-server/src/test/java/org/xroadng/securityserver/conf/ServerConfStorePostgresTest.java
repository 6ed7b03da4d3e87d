package org.xroadng.securityserver.conf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;
import org.xroadng.securityserver.ServerException;

/**
 * Every {@link ServerConfStoreTest} on a real PostgreSQL database, one per test; and two nodes of
 * one server sharing it, where a change made on one reaches the other.
 */
class ServerConfStorePostgresTest extends ServerConfStoreTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    @Test
    void changeOnOneNode_reachesTheOtherOnItsNextRefresh() throws ServerException {
        SecurityServerId server = SecurityServerId.parse("DEMO/GOV/1001/ss1");
        SubsystemId provider = SubsystemId.parse("DEMO/GOV/1001/population");
        try (Database a = storage().open(dir.resolve("a"), "securityserver");
             Database b = storage().open(dir.resolve("b"), "securityserver")) {
            ServerConfStore nodeA = new ServerConfStore(a, server, Clock.systemUTC());
            ServerConfStore nodeB = new ServerConfStore(b, server, Clock.systemUTC());
            assertFalse(nodeB.refreshIfChanged(), "nothing changed yet");

            nodeA.addService(provider.service("address"), URI.create("http://127.0.0.1:9000/address"), 30, true);
            assertTrue(nodeB.current().service(provider.service("address")).isEmpty(), "not before a refresh");
            assertTrue(nodeB.refreshIfChanged());
            assertEquals(URI.create("http://127.0.0.1:9000/address"),
                    nodeB.current().service(provider.service("address")).orElseThrow().url());
            assertFalse(nodeB.refreshIfChanged(), "reloaded once per change");

            nodeB.deleteService(provider.service("address"));
            assertTrue(nodeA.refreshIfChanged());
            assertTrue(nodeA.current().service(provider.service("address")).isEmpty(), "and back the other way");
            assertEquals(List.of(), nodeA.services().stream()
                    .filter(s -> s.id().equals(provider.service("address"))).toList());
        }
    }
}
