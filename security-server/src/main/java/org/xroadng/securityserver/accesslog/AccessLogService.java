package org.xroadng.securityserver.accesslog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.AccessLogAnswerCodec;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.store.SealedEvents;
import org.xroadng.auditlog.merkle.MerkleLog;
import org.xroadng.auditlog.note.SignedNote;
import org.xroadng.protocol.accesslog.AccessLogProtocol;
import org.xroadng.protocol.accesslog.Checkpoint;
import org.xroadng.protocol.accesslog.WitnessedCheckpoint;
import org.xroadng.protocol.http.PercentDecoding;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.securityserver.transport.HttpExchangeClient;

/**
 * The reserved {@code accessLog} service (DESIGN.md section 7), answered by the security server
 * itself in place of a provider information system: {@code GET .../accessLog?subject=CODE} gives
 * the events of this server's access log that name the subject (the newest {@value AccessLogProtocol#MAX_EVENTS}),
 * each with its inclusion proof against the latest witnessed checkpoint, and a restricted event's
 * stub with its reveal (salt and whole event) once its disclosure date has come. If some of them are newer
 * than that checkpoint, a checkpoint is published first, so that a citizen normally sees every
 * event proven; if the witness cannot be reached those events come without a proof.
 *
 * <p>Who may call it (members of {@value AccessLogProtocol#CITIZEN_PORTALS_GROUP}) is checked by the
 * server proxy before this runs, as every access right is. The answer is JSON
 * ({@link AccessLogAnswerCodec}); a malformed request is answered 400 with {@code {"message"}}. The
 * work (database reads, proofs, maybe a checkpoint) runs on {@code executor}, never on an event loop.
 */
public final class AccessLogService {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogService.class);
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final SecurityServerId server;
    private final AccessLog log;
    private final CheckpointPublisher publisher;
    private final Executor executor;
    private final SealedEvents sealed;
    private final Clock clock;

    public AccessLogService(SecurityServerId server, AccessLog log, CheckpointPublisher publisher, Executor executor) {
        this(server, log, publisher, executor, null, null);
    }

    /**
     * @param sealed the restricted accesses' secrets, whose disclosed ones are revealed beside their
     *               stubs; null when the log keeps none (a stub is then answered without its reveal)
     * @param clock  the disclosure's time, with {@code sealed}
     */
    public AccessLogService(SecurityServerId server, AccessLog log, CheckpointPublisher publisher, Executor executor,
                            SealedEvents sealed, Clock clock) {
        this.server = Objects.requireNonNull(server, "server");
        this.log = Objects.requireNonNull(log, "log");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.sealed = sealed;
        this.clock = sealed == null ? clock : Objects.requireNonNull(clock, "clock");
    }

    /**
     * Answers one request: {@code method} and the path after the service code ({@code "/"} when
     * none) and the raw query, as the consumer sent them.
     */
    public CompletableFuture<HttpExchangeClient.Answer> answer(String method, String path, String rawQuery) {
        if (!"GET".equals(method)) {
            return CompletableFuture.completedFuture(problem(405, "the accessLog service answers GET only; actual "
                    + method));
        }
        if (!"/".equals(path)) {
            return CompletableFuture.completedFuture(problem(404, "the accessLog service has no sub-paths; actual "
                    + path));
        }
        String subject;
        try {
            subject = subject(rawQuery);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(problem(400, e.getMessage()));
        }
        return CompletableFuture.supplyAsync(() -> answer(subject), executor);
    }

    private HttpExchangeClient.Answer answer(String subject) {
        List<AccessLog.StoredEvent> events = log.eventsOf(subject, AccessLogProtocol.MAX_EVENTS);
        Optional<WitnessedCheckpoint> checkpoint = publisher.latest();
        long newest = events.isEmpty() ? -1 : events.get(events.size() - 1).index();
        if (newest >= checkpoint.map(WitnessedCheckpoint::size).orElse(0L)) {
            try {
                checkpoint = publisher.publish();
            } catch (CheckpointException e) {
                LOG.warn("accessLog answered with events not yet checkpointed: {}", e.getMessage());
            }
        }
        long size = checkpoint.map(WitnessedCheckpoint::size).orElse(0L);
        MerkleLog merkle = log.merkleLog();
        List<Map<String, Object>> objects = new ArrayList<>(events.size());
        List<String> stubs = new ArrayList<>();
        for (AccessLog.StoredEvent event : events) {
            Map<String, Object> object = object(event);
            objects.add(object);
            if (RestrictedAccess.isStub(object) && object.get("eventId") instanceof String eventId) {
                stubs.add(eventId);
            }
        }
        Map<String, AccessLogAnswer.Reveal> reveals = reveals(stubs);
        List<AccessLogAnswer.Entry> entries = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            AccessLog.StoredEvent event = events.get(i);
            List<String> proof = null;
            if (event.index() < size) {
                proof = new ArrayList<>();
                for (byte[] hash : merkle.inclusion(event.index(), size).path()) {
                    proof.add(Checkpoint.encodeHash(hash));
                }
            }
            Map<String, Object> object = objects.get(i);
            entries.add(new AccessLogAnswer.Entry(event.index(), object, proof,
                    RestrictedAccess.isStub(object) ? reveals.get(object.get("eventId")) : null));
        }
        // the same size as a C2SP checkpoint note with the witnesses' cosignatures, when there is one
        String note = checkpoint.isEmpty() ? null : publisher.notes().flatMap(n -> n.atSize(size))
                .map(SignedNote::format).orElse(null);
        AccessLogAnswer answer = new AccessLogAnswer(server, subject,
                checkpoint.map(WitnessedCheckpoint::checkpoint).orElse(null),
                checkpoint.map(WitnessedCheckpoint::timestamp).orElse(null), entries, note);
        return new HttpExchangeClient.Answer(200, List.of(Map.entry("Content-Type", "application/json")),
                AccessLogAnswerCodec.write(answer), null);
    }

    /**
     * The reveals of the restricted events among the answer's whose dates have come, disclosing
     * any the disclosure job has not reached yet first, so a citizen asking on the date sees it.
     */
    private Map<String, AccessLogAnswer.Reveal> reveals(List<String> stubs) {
        if (stubs.isEmpty() || sealed == null) {
            return Map.of();
        }
        try {
            sealed.discloseDue(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("restricted accesses due could not be disclosed now: {}", e.getMessage());
        }
        return sealed.reveals(stubs);
    }

    /** The stored entry as a JSON object; an entry that is not one (tampered beyond JSON) is shown as its text. */
    private static Map<String, Object> object(AccessLog.StoredEvent event) {
        try {
            return JSON.readValue(event.entry(), OBJECT);
        } catch (IOException e) {
            Map<String, Object> unreadable = new LinkedHashMap<>();
            unreadable.put("unreadable", new String(event.entry(), StandardCharsets.UTF_8));
            return unreadable;
        }
    }

    static String subject(String rawQuery) {
        String prefix = AccessLogProtocol.SUBJECT_PARAM + "=";
        if (rawQuery == null || !rawQuery.startsWith(prefix) || rawQuery.indexOf('&') >= 0) {
            throw new IllegalArgumentException("expected the query ?" + prefix + "CODE and nothing else; actual "
                    + (rawQuery == null || rawQuery.isEmpty() ? "no query" : "?" + rawQuery));
        }
        String subject = PercentDecoding.decode(rawQuery.substring(prefix.length()));
        if (!SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("subject '" + subject + "' is not a data subject code: expected 1..64"
                    + " letters, digits or '-'");
        }
        return subject;
    }

    private static HttpExchangeClient.Answer problem(int status, String message) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("message", message));
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings cannot fail to serialise", e);
        }
        return new HttpExchangeClient.Answer(status, List.of(Map.entry("Content-Type", "application/json")), body,
                null);
    }
}
