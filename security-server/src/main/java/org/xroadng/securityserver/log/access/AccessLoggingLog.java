package org.xroadng.securityserver.log.access;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLog;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.securityserver.log.ExchangeRecord;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.log.MessageLog;
import org.xroadng.securityserver.log.timestamp.TimestampingOverdueException;
import org.xroadng.securityserver.message.MessageHashes;

/**
 * A {@link MessageLog} that also writes an {@link AccessLog} kept apart from it (DESIGN.md section
 * 7), for logs that are not journaled together ({@link H2MessageLog} writes both logs of an
 * exchange in one journal entry itself): after the inner log has kept an exchange, an exchange
 * that names data subjects ({@code X-Road-Subject} or, on the provider side,
 * {@code X-Road-Data-Subject}) gets one {@link AccessEvent} naming all of them. The static helpers
 * say, for both, which exchanges get an event and what it holds.
 *
 * <p>Guarantees: the returned future completes only after the inner append and the access event
 * (if any) are both done, so a response is released only once its access is on record. If the
 * inner append fails no event is written and the future fails with the inner failure; if writing
 * the event fails the future fails with that error. Exchanges without subjects write nothing to
 * the access log. {@link #checkAccepting} and {@link #unavailable} are the inner log's.
 */
public final class AccessLoggingLog implements MessageLog {

    private final MessageLog inner;
    private final AccessLog accessLog;
    private final Supplier<UUID> eventIds;
    private final SecureRandom random;

    /** Each event is appended to {@code accessLog} in its own transaction; event ids come from {@code eventIds}, which must not repeat. */
    public AccessLoggingLog(MessageLog inner, AccessLog accessLog, Supplier<UUID> eventIds, SecureRandom random) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
        this.eventIds = Objects.requireNonNull(eventIds, "eventIds");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Optional<String> unavailable() {
        return inner.unavailable();
    }

    @Override
    public void checkAccepting() throws TimestampingOverdueException {
        inner.checkAccepting();
    }

    @Override
    public CompletableFuture<Void> append(ExchangeRecord record) {
        Objects.requireNonNull(record, "record");
        return inner.append(record).thenCompose(done -> {
            List<String> subjects = subjectsOf(record);
            if (subjects.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            accessLog.append(eventOf(record, subjects, eventIds.get(), AccessEvent.outcomeOf(record.status()), random));
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * A refused attempt that names subjects becomes an access event with the outcome
     * {@code refused <error type>}; the message log is not asked (it keeps signed exchanges only).
     */
    @Override
    public CompletableFuture<Void> refused(ExchangeRecord attempt, String refusal) {
        Objects.requireNonNull(attempt, "attempt");
        List<String> subjects = subjectsOf(attempt);
        if (subjects.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            accessLog.append(eventOf(attempt, subjects, eventIds.get(), "refused " + refusal, random));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** An access that is no exchange becomes an access event with its outcome; the message log is not asked. */
    @Override
    public CompletableFuture<Void> accessed(ExchangeRecord access) {
        Objects.requireNonNull(access, "access");
        List<String> subjects = subjectsOf(access);
        if (subjects.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            accessLog.append(eventOf(access, subjects, eventIds.get(), AccessEvent.outcomeOf(access.status()), random));
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The access event for an exchange or attempt that names {@code subjects} (non-empty), with its
     * outcome; a restricted exchange's event is sealed with a salt drawn from {@code random}
     * (DESIGN.md section 7), which an unrestricted one does not touch.
     */
    static AccessEvent eventOf(ExchangeRecord record, List<String> subjects, UUID eventId, String outcome,
                               SecureRandom random) {
        return eventOf(record, subjects, eventId, outcome, random,
                record.requestSignature() == null ? null : MessageHashes.sha256(record.requestSignature()));
    }

    /** {@link #eventOf(ExchangeRecord, List, UUID, String, SecureRandom)} given the request signature's hash. */
    public static AccessEvent eventOf(ExchangeRecord record, List<String> subjects, UUID eventId, String outcome,
                                      SecureRandom random, String requestHash) {
        AccessEvent.Seal seal = null;
        if (record.restriction() != null) {
            byte[] salt = new byte[RestrictedAccess.SALT_BYTES];
            random.nextBytes(salt);
            seal = new AccessEvent.Seal(record.restriction(), salt);
        }
        return new AccessEvent(eventId.toString(), record.at(), record.side(), record.client(), record.service(),
                record.method(), record.path(), record.userId(), record.issue(), record.purpose(), subjects,
                record.queryId(), requestHash, outcome, seal);
    }

    /** {@code subjects} then {@code dataSubjects}, each named once, in the order first named. */
    public static List<String> subjectsOf(ExchangeRecord record) {
        Set<String> union = new LinkedHashSet<>(record.subjects());
        union.addAll(record.dataSubjects());
        return new ArrayList<>(union);
    }

    /** A random (version 4) UUID drawn from {@code random}, for event ids. */
    public static UUID randomUuid(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4 (RFC 9562 section 5.4)
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // variant 10
        long most = 0;
        long least = 0;
        for (int i = 0; i < 8; i++) {
            most = (most << 8) | (bytes[i] & 0xff);
            least = (least << 8) | (bytes[8 + i] & 0xff);
        }
        return new UUID(most, least);
    }
}
