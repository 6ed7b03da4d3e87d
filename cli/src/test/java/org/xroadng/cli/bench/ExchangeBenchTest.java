package org.xroadng.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.securityserver.log.Durability;

class ExchangeBenchTest {

    @Test
    void newConfigurationDuringTheWarmUp_everyServerTakesItUp_andNoExchangeFails()
            throws IOException, DemoException, InterruptedException {
        try (ExchangeBench bench = ExchangeBench.start(false, Durability.FSYNC, new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC())) {
            List<Long> versions = new ArrayList<>();
            HttpLoad.Result result = ExchangeBench.load(bench.clientProxy(), 1).run(4, 0,
                    new WarmUp(Duration.ofSeconds(2), Duration.ofSeconds(2)).midway(() -> {
                        try {
                            versions.add(bench.newConfiguration());
                        } catch (DemoException e) {
                            throw new AssertionError(e.getMessage(), e);
                        }
                    }), Duration.ofSeconds(1), HttpLoad.Phases.NONE);
            versions.add(bench.newConfiguration());

            assertEquals(2, versions.size(), "one version in the warm-up, one after");
            assertTrue(versions.get(1) > versions.get(0), "each a new version: " + versions);
            assertTrue(result.requests() > 0, "the load ran: " + result);
            assertEquals(0, result.errors(), "no exchange failed across the new configuration: " + result);
        }
    }
}
