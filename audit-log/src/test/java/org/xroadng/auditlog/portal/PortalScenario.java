package org.xroadng.auditlog.portal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.protocol.accesslog.AccessLogFormatException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The DEMO exchange of DESIGN.md section 8 in miniature, for portal tests: the tax board's server
 * (consumer side) and the population registry's server (provider side) with real Merkle access logs
 * and a stand-in witness, plus a bank's server that can be made to hang, and a server hosting nothing.
 */
final class PortalScenario implements AccessLogSource, ServerCatalog {

    static final String CITIZEN = "EE38001010001";
    static final String OTHER_CITIZEN = "EE49002020002";
    static final String NOBODY = "EE50003030003";
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    static final SubsystemId TAX = SubsystemId.parse("DEMO/GOV/1002/tax");
    static final SubsystemId POPULATION = SubsystemId.parse("DEMO/GOV/1001/population");
    static final SubsystemId LOANS = SubsystemId.parse("DEMO/COM/2001/loans");
    static final ServiceId PERSON = POPULATION.service("person");
    static final SecurityServerId SS1 = SecurityServerId.parse("DEMO/GOV/1002/ss1");
    static final SecurityServerId SS2 = SecurityServerId.parse("DEMO/GOV/1001/ss2");
    static final SecurityServerId SS3 = SecurityServerId.parse("DEMO/COM/2001/ss3");
    static final SecurityServerId EMPTY = SecurityServerId.parse("DEMO/GOV/1000/ss0");

    final TestServerLog consumer = new TestServerLog(SS1);
    final TestServerLog provider = new TestServerLog(SS2);
    final TestServerLog bank = new TestServerLog(SS3);
    final TestServerLog.StandInWitness witness = new TestServerLog.StandInWitness();
    /** Servers whose answer never comes (until {@link #release}). */
    final Set<SecurityServerId> hanging = ConcurrentHashMap.newKeySet();
    /** Servers that answer only after this many milliseconds. */
    final Map<SecurityServerId, Long> slowMillis = new ConcurrentHashMap<>();
    /** Changes applied to a server's event objects after their proofs were made. */
    final Map<SecurityServerId, UnaryOperator<Map<String, Object>>> tampering = new ConcurrentHashMap<>();
    /** Member names the catalog publishes, by {@code INSTANCE/CLASS/CODE}. */
    final Map<String, String> names = new ConcurrentHashMap<>();
    private final CountDownLatch released = new CountDownLatch(1);

    /** Two exchanges about {@link #CITIZEN} (one an hour later) and one about {@link #OTHER_CITIZEN}, all checkpointed. */
    static PortalScenario standard() {
        PortalScenario s = new PortalScenario();
        s.exchange("q-1", T0, CITIZEN, "tax-assessment", "tax-assessment");
        s.exchange("q-2", T0.plus(Duration.ofHours(1)), CITIZEN, "tax-assessment", "tax-assessment");
        s.exchange("q-3", T0.plus(Duration.ofHours(2)), OTHER_CITIZEN, "tax-assessment", "tax-assessment");
        s.checkpointAll(T0.plus(Duration.ofHours(3)));
        return s;
    }

    /** Logs one exchange on both sides; each side records the purpose it was given. */
    void exchange(String queryId, Instant time, String subject, String consumerPurpose, String providerPurpose) {
        consumer.append(event(queryId, time, "consumer", subject, consumerPurpose));
        provider.append(event(queryId, time.plusMillis(40), "provider", subject, providerPurpose));
    }

    static AccessEvent event(String queryId, Instant time, String side, String subject, String purpose) {
        return new AccessEvent(queryId + "-" + side, time, side, TAX, PERSON, "GET", "/person/" + subject,
                "inspector-7", "case-2026-17", purpose, List.of(subject), queryId, "cmVxdWVzdC1oYXNo-" + queryId, "ok");
    }

    /**
     * {@link #standard()} plus the bank's attempt to read {@link #CITIZEN}'s record (q-4, half an hour
     * after q-1) that the population registry's server refused, as the bank's server logs it; with the
     * members' names.
     */
    static PortalScenario withRefusedBankAttempt() {
        PortalScenario s = new PortalScenario();
        s.exchange("q-1", T0, CITIZEN, "tax-assessment", "tax-assessment");
        s.exchange("q-2", T0.plus(Duration.ofHours(1)), CITIZEN, "tax-assessment", "tax-assessment");
        s.bank.append(new AccessEvent("q-4-consumer", T0.plus(Duration.ofMinutes(30)), "consumer", LOANS, PERSON, "GET",
                "/person/" + CITIZEN, "clerk-2", null, "loan-check", List.of(CITIZEN), "q-4", "cmVxdWVzdC1oYXNo-q-4",
                "refused Server.ServerProxy.AccessDenied"));
        s.checkpointAll(T0.plus(Duration.ofHours(3)));
        s.names.put("DEMO/GOV/1002", "Tax Board");
        s.names.put("DEMO/GOV/1001", "Population Registry");
        s.names.put("DEMO/COM/2001", "Demo Bank");
        return s;
    }

    void checkpointAll(Instant time) {
        consumer.checkpoint(time, witness);
        provider.checkpoint(time, witness);
        bank.checkpoint(time, witness);
    }

    void release() {
        released.countDown();
    }

    @Override
    public List<GlobalConfiguration.SecurityServer> servers() {
        List<GlobalConfiguration.SecurityServer> servers = new ArrayList<>();
        servers.add(new GlobalConfiguration.SecurityServer(SS1, "127.0.0.1:1", List.of(), List.of(TAX)));
        servers.add(new GlobalConfiguration.SecurityServer(SS2, "127.0.0.1:2", List.of(), List.of(POPULATION)));
        servers.add(new GlobalConfiguration.SecurityServer(SS3, "127.0.0.1:3", List.of(), List.of(LOANS)));
        servers.add(new GlobalConfiguration.SecurityServer(EMPTY, "127.0.0.1:4", List.of(), List.of()));
        return servers;
    }

    @Override
    public java.util.Optional<String> memberName(MemberId member) {
        return java.util.Optional.ofNullable(names.get(member.format()));
    }

    @Override
    public AccessLogAnswer fetch(SecurityServerId server, SubsystemId target, PersonalCode subject)
            throws AccessLogSourceException {
        if (server.equals(EMPTY)) {
            throw new AssertionError("a server that hosts no subsystem must not be asked");
        }
        if (hanging.contains(server)) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new AccessLogSourceException(server.format() + " did not answer");
        }
        Long delay = slowMillis.get(server);
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AccessLogSourceException(server.format() + " was interrupted");
            }
        }
        TestServerLog log = server.equals(SS1) ? consumer : server.equals(SS2) ? provider : bank;
        AccessLogAnswer answer = log.answer(subject.value(), tampering.getOrDefault(server, UnaryOperator.identity()));
        try {
            // Through the wire form, as the HTTP source reads it.
            return AccessLogAnswerCodec.read(AccessLogAnswerCodec.write(answer));
        } catch (AccessLogFormatException e) {
            throw new AccessLogSourceException("bad answer: " + e.getMessage(), e);
        }
    }
}
