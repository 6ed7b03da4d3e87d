package org.xroadng.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.auditlog.access.CanonicalJson;
import org.xroadng.auditlog.access.store.H2AccessLog;
import org.xroadng.auditlog.merkle.InclusionProof;
import org.xroadng.auditlog.merkle.MerkleHashes;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.merkle.ProofVerificationException;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * Measures the access log as a security server uses it (DESIGN.md section 7), in an H2 file:
 * appends one event per transaction and in group-committed batches, each commit forced to the
 * device as the server's default durability (fsync) does, then a citizen's query over
 * the whole log: the subject's events by index, an inclusion proof for each against the root, the
 * answer's JSON, and the portal's side (parse, canonical JSON, leaf hash, proof verification).
 */
public final class AccessLogBench {

    private static final SubsystemId CLIENT = SubsystemId.parse("DEMO/GOV/1002/tax");
    private static final ServiceId SERVICE = ServiceId.parse("DEMO/GOV/1001/population/person");
    private static final String CITIZEN = "EE38001010001";

    /** What one run found. */
    public record Result(long events, double singleAppendsPerSecond, double batchedAppendsPerSecond,
                         int citizenEvents, Histogram serverQueryMicros, Histogram portalVerifyMicros, long fileBytes) {
    }

    private AccessLogBench() {
    }

    /**
     * @param events     the log's size when the query is measured
     * @param batch      events per transaction for the bulk of the appends (as group commit under load)
     * @param citizenEvents how many of them name the measured citizen, spread over the log
     */
    public static Result run(Path dir, long events, int batch, int citizenEvents, int queries, Instant start,
                             PrintWriter progress) throws AccessLogFormatException, ProofVerificationException {
        Random random = new Random(42);
        long citizenEvery = Math.max(1, events / citizenEvents);
        try (H2AccessLog log = H2AccessLog.open(dir.resolve("accesslog-bench"))) {
            int singles = (int) Math.min(5_000, events);
            long t0 = System.nanoTime();
            for (int i = 0; i < singles; i++) {
                log.append(event(i, start, random, i % citizenEvery == 0));
                log.merkleLog().sync();
            }
            double singleRate = singles / ((System.nanoTime() - t0) / 1e9);
            progress.printf("  %,d single appends: %,.0f events/s%n", singles, singleRate);
            progress.flush();
            long t1 = System.nanoTime();
            long appended = singles;
            while (appended < events) {
                int n = (int) Math.min(batch, events - appended);
                List<AccessEvent> chunk = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long index = appended + i;
                    chunk.add(event(index, start, random, index % citizenEvery == 0));
                }
                log.appendAll(chunk);
                log.merkleLog().sync();
                appended += n;
                if (appended % 200_000 < n) {
                    progress.printf("  %,d events appended%n", appended);
                    progress.flush();
                }
            }
            double batchedRate = (appended - singles) / Math.max(1e-9, (System.nanoTime() - t1) / 1e9);
            MerkleLog merkle = log.merkleLog();
            long size = merkle.size();
            byte[] root = merkle.root(size);
            Histogram server = new Histogram(3);
            Histogram portal = new Histogram(3);
            int found = 0;
            for (int q = 0; q < queries; q++) {
                long s0 = System.nanoTime();
                List<AccessLog.StoredEvent> mine = log.eventsOf(CITIZEN, 1000);
                List<AccessLogAnswer.Entry> entries = new ArrayList<>(mine.size());
                for (AccessLog.StoredEvent stored : mine) {
                    InclusionProof proof = merkle.inclusion(stored.index(), size);
                    List<String> path = new ArrayList<>();
                    for (byte[] hash : proof.path()) {
                        path.add(Checkpoint.encodeHash(hash));
                    }
                    entries.add(new AccessLogAnswer.Entry(stored.index(), json(stored.entry()), path));
                }
                byte[] body = AccessLogAnswerCodec.write(new AccessLogAnswer(SecurityServerId.parse("DEMO/GOV/1001/ss2"),
                        CITIZEN, null, null, entries));
                server.recordValue((System.nanoTime() - s0) / 1000);
                long p0 = System.nanoTime();
                AccessLogAnswer answer = AccessLogAnswerCodec.read(body);
                for (AccessLogAnswer.Entry entry : answer.events()) {
                    new InclusionProof(entry.index(), size, entry.proof().stream()
                            .map(h -> Checkpoint.decodeHash(h, "proof")).toList())
                            .verify(MerkleHashes.leafHash(CanonicalJson.bytes(entry.event())), root);
                }
                portal.recordValue((System.nanoTime() - p0) / 1000);
                found = mine.size();
            }
            long bytes = dir.resolve("accesslog-bench.mv.db").toFile().length();
            return new Result(size, singleRate, batchedRate, found, server, portal, bytes);
        }
    }

    private static AccessEvent event(long i, Instant start, Random random, boolean citizen) {
        String subject = citizen ? CITIZEN : String.format("EE%011d", random.nextInt(1_000_000));
        return new AccessEvent(String.format("00000000-0000-4000-8000-%012d", i), start.plusMillis(i), "provider",
                CLIENT, SERVICE, "GET", "/person/" + subject, "officer-" + (i % 100), null, "tax-assessment",
                List.of(subject), "q-" + i, "k2p2YkU4T2xqY3VjN3FZb0ZtR2ZxV2JYc1JmR0NWZ0E", "ok");
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> json(byte[] entry) {
        try {
            return org.xroadng.protocol.json.ProtocolJson.mapper().readValue(entry, java.util.LinkedHashMap.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a stored event is not JSON", e);
        }
    }
}
