package org.xroadng.securityserver.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which requests a {@link PeerClient} pool serves: pools only move forward. */
class PeerClientPoolTest {

    private final PeerClient.Pool pool = new PeerClient.Pool("trust-7", 7, 2, null);

    @Test
    void theSameTrustAndKey_isServed() {
        assertTrue(pool.serves("trust-7", 7, 2));
        assertTrue(pool.serves("trust-7", 9, 2), "a newer configuration that trusts the same servers");
    }

    @Test
    void aNewerConfigurationTrustingOtherwise_startsANewPool() {
        assertFalse(pool.serves("trust-8", 8, 2));
    }

    @Test
    void aRequestPreparedUnderAnOlderConfiguration_goesOnTheNewerPool_ratherThanBringingBackTheOldOne() {
        assertTrue(pool.serves("trust-6", 6, 2));
    }

    @Test
    void anotherAuthenticationKey_startsANewPool_whateverTheConfiguration() {
        assertFalse(pool.serves("trust-7", 7, 3));
        assertFalse(pool.serves("trust-6", 6, 3));
    }
}
