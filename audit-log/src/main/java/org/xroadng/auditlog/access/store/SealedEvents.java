package org.xroadng.auditlog.access.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xroadng.auditlog.access.AccessEvent;
import org.xroadng.auditlog.access.AccessLogAnswer;
import org.xroadng.auditlog.access.RestrictedAccess;
import org.xroadng.auditlog.access.SealingCipher;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * What restricted events keep secret until their disclosure date (DESIGN.md section 7), in the
 * access log's database ({@code access_sealed}, migration {@code V3__access_sealed.sql}): per event
 * its salt and whole content, encrypted with a {@link SealingCipher} (the event id as associated
 * data), beside its commitment and disclosure date.
 *
 * <p>Guarantees: a restricted event's secret ({@link Secret}) is encrypted while its append is
 * prepared and stored in the transaction that appends its stub ({@link H2AccessLog#appendPrepared}),
 * so the tables never hold a stub without what opens it, nor a secret of an event never logged.
 * A journal in front of the log (the security server's message log) carries the same
 * {@link Secret} in the stub's entry, so the secret is durable exactly when the stub is, and a
 * replay stores the identical row ({@link #restore} when only the row was lost).
 * {@link #discloseDue} writes, for every event whose date has come, the salt and content in the
 * clear, once; {@link #reveals} gives those to the
 * {@code accessLog} service, and nothing before its date. {@link #undisclosed} is for the
 * oversight role only: the caller logs each reading (see the security server's
 * {@code RestrictedAccessReader}). Thread-safe; each call is one transaction.
 */
public final class SealedEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Database database;
    private final SealingCipher cipher;

    SealedEvents(Database database, SealingCipher cipher) {
        this.database = Objects.requireNonNull(database, "database");
        this.cipher = cipher;
    }

    /** A restricted event as the oversight role reads it before its disclosure. */
    public record Sealed(String eventId, Instant discloseAt, String commitment, Map<String, Object> event) {
        public Sealed {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(discloseAt, "discloseAt");
            event = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(event));
        }
    }

    /**
     * What one restricted event keeps secret until its disclosure, as its {@code access_sealed} row
     * holds it: the salt and content encrypted ({@code sealed}, the event id as associated data),
     * beside the event's commitment and disclosure date. The form a journal carries it in, so
     * that replaying the journal stores the identical row. Holds no plaintext; {@code toString}
     * names the event only.
     */
    public record Secret(String eventId, String commitment, Instant discloseAt, byte[] sealed) {
        public Secret {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(commitment, "commitment");
            Objects.requireNonNull(discloseAt, "discloseAt");
            Objects.requireNonNull(sealed, "sealed");
            if (sealed.length == 0) {
                throw new IllegalArgumentException("restricted event " + eventId + " has an empty sealed value");
            }
        }

        @Override
        public String toString() {
            return "Secret[" + eventId + ", disclosed " + discloseAt + "]";
        }
    }

    /**
     * The secrets of the restricted events among {@code events}, encrypted and not stored, by the
     * event's position in {@code events} (the others have none): the access log stores them with
     * the events' stubs ({@link #insert}), in the same transaction.
     *
     * @throws IllegalStateException when the log was opened without a cipher to keep them with
     */
    Map<Integer, Secret> secretsOf(List<AccessEvent> events) {
        Map<Integer, Secret> secrets = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            AccessEvent event = events.get(i);
            if (!event.restricted()) {
                continue;
            }
            if (cipher == null) {
                throw new IllegalStateException("this access log was opened without a cipher for restricted events;"
                        + " event " + event.eventId() + " cannot be kept secret until its disclosure");
            }
            byte[] content = event.content();
            byte[] salt = event.seal().salt();
            byte[] plain = new byte[salt.length + content.length];
            System.arraycopy(salt, 0, plain, 0, salt.length);
            System.arraycopy(content, 0, plain, salt.length, content.length);
            byte[] sealed;
            try {
                sealed = cipher.seal(plain, associated(event.eventId()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("restricted event " + event.eventId() + " cannot be encrypted: "
                        + e.getMessage(), e);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
            secrets.put(i, new Secret(event.eventId(), event.commitment(), event.seal().restriction().discloseAt(),
                    sealed));
        }
        return secrets;
    }

    /**
     * In the caller's transaction: stores those of {@code secrets} whose event has no row yet (a
     * replayed one may have kept its row); returns how many were stored. A row already there is
     * left as it is, disclosure included.
     */
    static int insert(Connection c, Collection<Secret> secrets) throws SQLException {
        int stored = 0;
        for (Secret secret : secrets) {
            if (Jdbc.queryOne(c, "SELECT 1 FROM access_sealed WHERE event_id = ?", r -> 1, secret.eventId())
                    .isPresent()) {
                continue;
            }
            stored += Jdbc.update(c, "INSERT INTO access_sealed (event_id, commitment, disclose_at, sealed)"
                    + " VALUES (?, ?, ?, ?)", secret.eventId(), secret.commitment(), secret.discloseAt(),
                    secret.sealed());
        }
        return stored;
    }

    /**
     * Stores again, in one transaction, those of {@code secrets} the database lost while keeping
     * their events' stubs (a journal replay brings them back); returns how many were missing.
     *
     * @throws StoreException when the database cannot be written
     */
    public int restore(Collection<Secret> secrets) {
        if (secrets.isEmpty()) {
            return 0;
        }
        return database.inTransaction(c -> insert(c, secrets));
    }

    /**
     * Discloses every event whose date is {@code now} or earlier and that is not yet disclosed: its
     * salt and content are written in the clear. Returns how many were disclosed.
     *
     * @throws IllegalStateException when a sealed value cannot be opened (changed, or another key)
     */
    public int discloseDue(Instant now) {
        List<Object[]> due = database.inTransaction(c -> Jdbc.query(c,
                "SELECT event_id, sealed FROM access_sealed WHERE disclosed_at IS NULL AND disclose_at <= ?"
                        + " ORDER BY disclose_at",
                r -> new Object[] {r.getString(1), r.getBytes(2)}, now));
        int disclosed = 0;
        for (Object[] row : due) {
            String eventId = (String) row[0];
            byte[] plain = open(eventId, (byte[]) row[1]);
            String salt = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    Arrays.copyOf(plain, RestrictedAccess.SALT_BYTES));
            byte[] content = Arrays.copyOfRange(plain, RestrictedAccess.SALT_BYTES, plain.length);
            disclosed += database.inTransaction(c -> Jdbc.update(c, "UPDATE access_sealed SET disclosed_at = ?,"
                    + " revealed_salt = ?, revealed_event = ? WHERE event_id = ? AND disclosed_at IS NULL",
                    now, salt, content, eventId));
        }
        return disclosed;
    }

    /** The reveals of those of {@code eventIds} that are disclosed, by event id. */
    public Map<String, AccessLogAnswer.Reveal> reveals(Collection<String> eventIds) {
        Map<String, AccessLogAnswer.Reveal> reveals = new LinkedHashMap<>();
        if (eventIds.isEmpty()) {
            return reveals;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(eventIds.size(), "?"));
        List<Object[]> rows = database.inTransaction(c -> Jdbc.query(c, "SELECT event_id, revealed_salt, revealed_event"
                + " FROM access_sealed WHERE disclosed_at IS NOT NULL AND event_id IN (" + marks + ")",
                r -> new Object[] {r.getString(1), r.getString(2), r.getBytes(3)}, eventIds.toArray()));
        for (Object[] row : rows) {
            reveals.put((String) row[0], new AccessLogAnswer.Reveal((String) row[1], object((byte[]) row[2])));
        }
        return reveals;
    }

    /** The restricted events not yet disclosed, those with the earliest date first, at most {@code limit}. */
    public List<Sealed> undisclosed(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + "; expected 1 or more");
        }
        List<Object[]> rows = database.inTransaction(c -> Jdbc.query(c, "SELECT event_id, disclose_at, commitment, sealed"
                + " FROM access_sealed WHERE disclosed_at IS NULL ORDER BY disclose_at, event_id LIMIT ?",
                r -> new Object[] {r.getString(1), Jdbc.instant(r, "disclose_at"), r.getString(3), r.getBytes(4)},
                limit));
        List<Sealed> sealed = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            byte[] plain = open((String) row[0], (byte[]) row[3]);
            sealed.add(new Sealed((String) row[0], (Instant) row[1], (String) row[2],
                    object(Arrays.copyOfRange(plain, RestrictedAccess.SALT_BYTES, plain.length))));
        }
        return sealed;
    }

    /** The earliest disclosure date not yet reached by {@link #discloseDue}, if any. */
    public java.util.Optional<Instant> nextDue() {
        return database.inTransaction(c -> Jdbc.queryOne(c,
                "SELECT disclose_at FROM access_sealed WHERE disclosed_at IS NULL ORDER BY disclose_at LIMIT 1",
                r -> Jdbc.instant(r, "disclose_at")));
    }

    private byte[] open(String eventId, byte[] sealed) {
        if (cipher == null) {
            throw new IllegalStateException("this access log was opened without the cipher its restricted events"
                    + " were kept with");
        }
        try {
            byte[] plain = cipher.open(sealed, associated(eventId));
            if (plain.length <= RestrictedAccess.SALT_BYTES) {
                throw new IllegalStateException("restricted event " + eventId + " holds no content");
            }
            return plain;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("restricted event " + eventId + " cannot be decrypted (changed, or"
                    + " another key): " + e.getMessage(), e);
        }
    }

    private static byte[] associated(String eventId) {
        return ("access_sealed " + eventId).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> object(byte[] json) {
        try {
            return JSON.readValue(json, OBJECT);
        } catch (IOException e) {
            throw new IllegalStateException("a kept restricted event is not a JSON object: " + e.getMessage(), e);
        }
    }
}
