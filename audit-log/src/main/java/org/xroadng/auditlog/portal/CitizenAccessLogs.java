package org.xroadng.auditlog.portal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.protocol.globalconf.ConfigurationException;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.id.InvalidIdentifierException;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;

/**
 * The portal's core (DESIGN.md section 7): for one verified citizen, asks every security server
 * that hosts at least one subsystem for its access-log answer, in parallel, each through the
 * {@code accessLog} service of the first subsystem it hosts; checks each answer with
 * {@link AnswerVerifier}; merges both sides of each exchange ({@link ExchangeMerger}).
 *
 * <p>Guarantees: the result holds only records that name the citizen; a server that fails, answers
 * badly, or has not answered within {@code perServerTimeout}, or before {@code deadline} for the
 * whole question, is listed in {@link CitizenEvents#unreachable()} and the others are still shown.
 * An exchange the consumer's server recorded as completed ({@code ok}) must be in the provider's
 * log too: when every server hosting the service's subsystem answered in full without it, the
 * result names that in {@link CitizenEvents#problems()} (a provider hiding its newest events
 * shows this way; gaps further back show through the events' links, see {@link AnswerVerifier}).
 * Thread-safe; {@link #close} stops the worker threads.
 */
public final class CitizenAccessLogs implements AutoCloseable {

    public static final Duration DEFAULT_PER_SERVER_TIMEOUT = Duration.ofSeconds(5);

    private final ServerCatalog catalog;
    private final AccessLogSource source;
    private final AnswerVerifier verifier;
    private final Duration perServerTimeout;
    private final Duration deadline;
    private final ExecutorService workers;

    /**
     * @param perServerTimeout how long one server's answer (and its check) may take
     * @param deadline         how long the whole question may take; at least {@code perServerTimeout}
     */
    public CitizenAccessLogs(ServerCatalog catalog, AccessLogSource source, AnswerVerifier verifier,
                             Duration perServerTimeout, Duration deadline) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.source = Objects.requireNonNull(source, "source");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.perServerTimeout = positive(perServerTimeout, "perServerTimeout");
        this.deadline = positive(deadline, "deadline");
        if (deadline.compareTo(perServerTimeout) < 0) {
            throw new IllegalArgumentException("deadline " + deadline + " is shorter than the per-server timeout "
                    + perServerTimeout);
        }
        this.workers = Executors.newCachedThreadPool(daemonThreads());
    }

    /**
     * The name of the member an identifier belongs to ({@code client} subsystem or {@code service}
     * text as events carry them), for people to read; empty if the text is no identifier or the
     * member is not in the configuration.
     */
    public java.util.Optional<String> memberNameOf(String identifier) {
        if (identifier == null) {
            return java.util.Optional.empty();
        }
        String[] parts = identifier.split("/");
        if (parts.length < 3) {
            return java.util.Optional.empty();
        }
        try {
            return catalog.memberName(new org.xroadng.protocol.id.MemberId(parts[0], parts[1], parts[2]));
        } catch (org.xroadng.protocol.id.InvalidIdentifierException e) {
            return java.util.Optional.empty();
        }
    }

    /** The citizen's exchanges from every server that answered in time. */
    public CitizenEvents eventsOf(PersonalCode subject) throws ConfigurationException {
        Map<SecurityServerId, CompletableFuture<AnswerVerifier.Result>> asked = new LinkedHashMap<>();
        List<GlobalConfiguration.SecurityServer> servers = catalog.servers();
        for (GlobalConfiguration.SecurityServer server : servers) {
            if (server.clients().isEmpty()) {
                continue;
            }
            SubsystemId target = server.clients().get(0);
            asked.put(server.id(), CompletableFuture.supplyAsync(() -> ask(server.id(), target, subject), workers)
                    .orTimeout(perServerTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        try {
            CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new))
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Each server's own outcome is read below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<SideRecord> records = new ArrayList<>();
        List<CitizenEvents.Unreachable> unreachable = new ArrayList<>();
        List<CitizenEvents.Problem> problems = new ArrayList<>();
        Set<SecurityServerId> answeredInFull = new HashSet<>();
        for (Map.Entry<SecurityServerId, CompletableFuture<AnswerVerifier.Result>> entry : asked.entrySet()) {
            CompletableFuture<AnswerVerifier.Result> future = entry.getValue();
            if (!future.isDone()) {
                future.cancel(true);
                unreachable.add(new CitizenEvents.Unreachable(entry.getKey(), true,
                        "no answer within the portal's deadline of " + deadline.toMillis() + " ms"));
                continue;
            }
            try {
                AnswerVerifier.Result result = future.join();
                records.addAll(result.records());
                problems.addAll(result.problems());
                if (result.complete()) {
                    answeredInFull.add(entry.getKey());
                }
            } catch (CompletionException | CancellationException e) {
                unreachable.add(new CitizenEvents.Unreachable(entry.getKey(), e.getCause() instanceof TimeoutException,
                        why(e.getCause(), entry.getKey())));
            }
        }
        List<ExchangeRow> rows = ExchangeMerger.merge(records);
        problems.addAll(providerRecordsMissing(rows, servers, answeredInFull));
        return new CitizenEvents(subject, rows, unreachable, problems);
    }

    /**
     * Completed exchanges with only the consumer's record although every server hosting the
     * provider's subsystem answered in full: the provider's log should hold them.
     */
    private static List<CitizenEvents.Problem> providerRecordsMissing(List<ExchangeRow> rows,
                                                       List<GlobalConfiguration.SecurityServer> servers,
                                                       Set<SecurityServerId> answeredInFull) {
        List<CitizenEvents.Problem> problems = new ArrayList<>();
        for (ExchangeRow row : rows) {
            if (!row.sides().equals(List.of("consumer")) || !"ok".equals(row.outcome())) {
                continue;
            }
            SubsystemId provider;
            try {
                provider = ServiceId.parse(row.service()).subsystem();
            } catch (InvalidIdentifierException e) {
                continue;
            }
            List<SecurityServerId> hosts = servers.stream().filter(s -> s.clients().contains(provider))
                    .map(GlobalConfiguration.SecurityServer::id).toList();
            if (!hosts.isEmpty() && answeredInFull.containsAll(hosts)) {
                problems.add(new CitizenEvents.Problem(hosts.get(0), CitizenEvents.Kind.PROVIDER_RECORD_MISSING,
                        hosts.stream().map(SecurityServerId::format).collect(Collectors.joining(", "))
                        + " answered without a record of exchange " + row.queryId() + " at "
                        + row.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", which "
                        + row.records().get(0).server().format() + " logged as completed"));
            }
        }
        return problems;
    }

    private AnswerVerifier.Result ask(SecurityServerId server, SubsystemId target, PersonalCode subject) {
        AccessLogAnswer answer;
        try {
            answer = source.fetch(server, target, subject);
        } catch (AccessLogSourceException e) {
            throw new CompletionException(e);
        }
        return verifier.verify(server, subject, answer);
    }

    private String why(Throwable cause, SecurityServerId server) {
        if (cause instanceof TimeoutException) {
            return "no answer within " + perServerTimeout.toMillis() + " ms";
        }
        if (cause instanceof AccessLogSourceException) {
            return cause.getMessage();
        }
        return server.format() + " could not be asked: " + cause;
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " is " + value + "; expected a positive duration");
        }
        return value;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "portal-ask-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
