package org.xroadng.securityserver.accesslog;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.MessageLog;

/**
 * The oversight role's reading of restricted accesses before their disclosure (DESIGN.md section 7):
 * a data protection inspector reads them whole, and every reading is itself an access event in this
 * server's access log, logged before anything is shown, so the citizen sees at once that the
 * inspector read a restricted record about them.
 *
 * <p>The reading's event (side {@code oversight}, unrestricted): client the server's owner, service
 * {@value #SERVICE_CODE} of the subsystem of this server the restricted event belongs to (its
 * provider's, or its client's on the consumer side), method {@code GET}, path {@code /<event id>},
 * user id the inspector, purpose {@value #PURPOSE}, the restricted event's subjects, outcome
 * {@code ok}. It names nothing of the restricted event that its stub does not show already, beyond
 * which of this server's subsystems it belongs to.
 *
 * <p>Guarantees: {@link #read} returns only after every reading is durable in the access log; if
 * logging fails, nothing is returned and the call fails.
 */
public final class RestrictedAccessReader {

    /** The service code an oversight reading names. */
    public static final String SERVICE_CODE = "restrictedAccess";
    /** The purpose an oversight reading names. */
    public static final String PURPOSE = "oversight";
    /** At most this many restricted events are read at once. */
    public static final int MAX_EVENTS = 1000;

    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final long LOG_TIMEOUT_SECONDS = 30;

    private final SecurityServerId server;
    private final SealedEvents sealed;
    private final MessageLog log;
    private final Clock clock;
    private final SecureRandom random;

    public RestrictedAccessReader(SecurityServerId server, SealedEvents sealed, MessageLog log, Clock clock,
                                  SecureRandom random) {
        this.server = Objects.requireNonNull(server, "server");
        this.sealed = Objects.requireNonNull(sealed, "sealed");
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * The restricted events not yet disclosed (those naming {@code subject}, or all when it is null),
     * earliest disclosure first, each reading logged first.
     *
     * @throws IllegalArgumentException when {@code subject} is not a data subject code
     * @throws IllegalStateException    when a reading could not be logged: then nothing is shown
     */
    public List<SealedEvents.Sealed> read(String inspector, String subject) {
        Objects.requireNonNull(inspector, "inspector");
        if (subject != null && !SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("subject '" + subject + "' is not a data subject code: expected 1..64"
                    + " letters, digits or '-'");
        }
        List<SealedEvents.Sealed> read = new ArrayList<>();
        for (SealedEvents.Sealed event : sealed.undisclosed(MAX_EVENTS)) {
            if (subject == null || subjectsOf(event).contains(subject)) {
                read.add(event);
            }
        }
        List<CompletableFuture<Void>> logged = new ArrayList<>(read.size());
        for (SealedEvents.Sealed event : read) {
            logged.add(log.accessed(reading(inspector, event)));
        }
        try {
            CompletableFuture.allOf(logged.toArray(CompletableFuture[]::new)).get(LOG_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw new IllegalStateException("the readings could not be logged, so nothing is shown: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the readings were not logged within " + LOG_TIMEOUT_SECONDS
                    + " s, so nothing is shown", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while logging the readings; nothing is shown", e);
        }
        return read;
    }

    /** The access record of {@code inspector} reading {@code event}. */
    private ExchangeRecord reading(String inspector, SealedEvents.Sealed event) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String queryId = "oversight-" + HexFormat.of().formatHex(id);
        return new ExchangeRecord("oversight", queryId, queryId, server.owner(), new ServiceId(subsystemOf(event),
                SERVICE_CODE), "GET", "/" + event.eventId(), inspector, null, PURPOSE, subjectsOf(event), List.of(),
                null, null, null, null, 200, clock.instant());
    }

    /** This server's subsystem the event belongs to: the provider's, or on the consumer side its client's. */
    private static SubsystemId subsystemOf(SealedEvents.Sealed event) {
        ServiceId service = ServiceId.parse((String) event.event().get("service"));
        if ("consumer".equals(event.event().get("side"))
                && ClientId.parse((String) event.event().get("client")) instanceof SubsystemId client) {
            return client;
        }
        return service.subsystem();
    }

    private static List<String> subjectsOf(SealedEvents.Sealed event) {
        Object subjects = event.event().get("subjects");
        List<String> codes = new ArrayList<>();
        if (subjects instanceof List<?> list) {
            for (Object code : list) {
                if (code instanceof String text) {
                    codes.add(text);
                }
            }
        }
        return codes;
    }

    /** A restricted event as the inspector's API answers it. */
    public static Map<String, Object> view(SealedEvents.Sealed event) {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("eventId", event.eventId());
        view.put("disclose", event.discloseAt().toString());
        view.put("commitment", event.commitment());
        view.put("event", event.event());
        return view;
    }
}
