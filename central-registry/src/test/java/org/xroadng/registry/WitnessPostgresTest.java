package org.xroadng.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.CheckpointCodec;
import org.xroadng.protocol.accesslog.CheckpointSubmission;
import org.xroadng.protocol.accesslog.WitnessException;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.TestPostgres;

/**
 * Every {@link WitnessTest} with the registry's (and the CA's) tables in a real PostgreSQL database,
 * one per test; and two registry nodes witnessing one server at once.
 */
class WitnessPostgresTest extends WitnessTest {

    @Override
    DatabaseSettings storage() {
        return TestPostgres.shared().databaseFor(dir);
    }

    /**
     * Two checkpoints that both extend the one the witness holds, sent at the same moment to two
     * registry nodes: one is accepted, the other refused as stale, so every accepted checkpoint was
     * checked against the one before it, whichever node took it.
     */
    @Test
    void twoNodes_rivalCheckpointsAtOnce_oneAcceptedTheOtherStale()
            throws ExecutionException, IOException, InterruptedException, RegistryException, SigningException,
            WitnessException {
        RegistryFixture second = RegistryFixture.secondNode(registry, dir.resolve("registry-b"), clock);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            int size = 3;
            witness.submit(submission(log(size), 0, owner, SERVER));
            for (int round = 0; round < 8; round++) {
                clock.advance(Duration.ofMinutes(1));
                CheckpointSubmission toA = submission(log(size + 2), size, owner, SERVER);
                CheckpointSubmission toB = submission(log(size + 4), size, owner, SERVER);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RegistryFixture.Answer>> answers = new ArrayList<>();
                for (var pair : List.of(java.util.Map.entry(registry, toA), java.util.Map.entry(second, toB))) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return pair.getKey().call("POST", AccessLogProtocol.WITNESS_PATH, null,
                                new String(CheckpointCodec.submission(pair.getValue()), StandardCharsets.UTF_8));
                    }));
                }
                go.countDown();
                int accepted = 0;
                for (Future<RegistryFixture.Answer> answer : answers) {
                    RegistryFixture.Answer a = answer.get();
                    if (a.status() == 201) {
                        accepted++;
                    } else {
                        assertEquals(409, a.status(), a.raw().body());
                        assertTrue(a.raw().body().contains("Witness.StaleFromSize"), a.raw().body());
                    }
                }
                assertEquals(1, accepted, "round " + round + ": exactly one of the rival checkpoints accepted");
                size = (int) witness.latest(SERVER).orElseThrow().size();
            }
        } finally {
            pool.shutdown();
            second.close();
        }
    }
}
