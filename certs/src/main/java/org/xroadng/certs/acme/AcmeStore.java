package org.xroadng.certs.acme;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * The ACME server's records in the CA's database (tables {@code acme_*}, migration V2). Each
 * method is one transaction; a state change is conditional on the state it leaves (a finalize
 * that lost a race changes nothing).
 */
final class AcmeStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Eab(String kid, byte[] hmacKey, MemberId member, boolean revoked) {
    }

    record Account(String id, String thumbprint, String jwk, MemberId member) {
    }

    record Order(String id, String accountId, String status, CertificateProfile profile, String identity,
                 List<AcmeIdentifier> identifiers, Instant expiresAt, String serial, String error) {
    }

    record Authz(String id, String orderId, AcmeIdentifier identifier, String status, String token,
                 String challengeStatus, Instant validatedAt, String error) {
    }

    private final Database database;

    AcmeStore(Database database) {
        this.database = database;
    }

    void insertEab(String kid, byte[] hmacKey, MemberId member, Instant now) throws StoreException {
        database.inTransaction(c -> Jdbc.update(c, "INSERT INTO acme_eab (kid, hmac_key, member, created_at)"
                + " VALUES (?, ?, ?, ?)", kid, Base64.getUrlEncoder().withoutPadding().encodeToString(hmacKey),
                member.format(), now));
    }

    Optional<Eab> eab(String kid) throws StoreException {
        return database.inTransaction(c -> Jdbc.queryOne(c, "SELECT kid, hmac_key, member, revoked_at FROM acme_eab"
                + " WHERE kid = ?", r -> new Eab(r.getString(1), Base64.getUrlDecoder().decode(r.getString(2)),
                MemberId.parse(r.getString(3)), r.getObject(4) != null), kid));
    }

    boolean revokeEab(String kid, Instant now) throws StoreException {
        return database.inTransaction(c -> Jdbc.update(c, "UPDATE acme_eab SET revoked_at = ? WHERE kid = ?"
                + " AND revoked_at IS NULL", now, kid)) == 1;
    }

    void issueNonce(String nonce, Instant expiresAt, Instant now) throws StoreException {
        database.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM acme_nonce WHERE expires_at < ?", now);
            return Jdbc.update(c, "INSERT INTO acme_nonce (nonce, expires_at) VALUES (?, ?)", nonce, expiresAt);
        });
    }

    /** Uses a nonce up: true only the first time, and only before it expires (RFC 8555 section 6.5). */
    boolean consumeNonce(String nonce, Instant now) throws StoreException {
        return database.inTransaction(c -> Jdbc.update(c, "DELETE FROM acme_nonce WHERE nonce = ? AND expires_at > ?",
                nonce, now)) == 1;
    }

    void insertAccount(Account account, String eabKid, Instant now) throws StoreException {
        database.inTransaction(c -> Jdbc.update(c, "INSERT INTO acme_account (id, thumbprint, jwk, eab_kid, member,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?)", account.id(), account.thumbprint(), account.jwk(), eabKid,
                account.member().format(), now));
    }

    Optional<Account> accountByThumbprint(String thumbprint) throws StoreException {
        return queryAccount("thumbprint = ?", thumbprint);
    }

    Optional<Account> account(String id) throws StoreException {
        return queryAccount("id = ?", id);
    }

    private Optional<Account> queryAccount(String where, String value) throws StoreException {
        return database.inTransaction(c -> Jdbc.queryOne(c, "SELECT id, thumbprint, jwk, member FROM acme_account WHERE "
                + where, r -> new Account(r.getString(1), r.getString(2), r.getString(3),
                MemberId.parse(r.getString(4))), value));
    }

    void insertOrder(Order order, List<Authz> authorizations, Instant now) throws StoreException {
        database.inTransaction(c -> {
            Jdbc.update(c, "INSERT INTO acme_order (id, account_id, status, profile, identity, identifiers, expires_at,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", order.id(), order.accountId(), order.status(),
                    order.profile().code(), order.identity(), identifiersJson(order.identifiers()), order.expiresAt(), now);
            for (Authz a : authorizations) {
                Jdbc.update(c, "INSERT INTO acme_authz (id, order_id, identifier_type, identifier_value, status, token,"
                        + " challenge_status, validated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", a.id(), a.orderId(),
                        a.identifier().type(), a.identifier().value(), a.status(), a.token(), a.challengeStatus(),
                        a.validatedAt());
            }
            return null;
        });
    }

    Optional<Order> order(String id) throws StoreException {
        return database.inTransaction(c -> Jdbc.queryOne(c, "SELECT id, account_id, status, profile, identity,"
                + " identifiers, expires_at, serial, error FROM acme_order WHERE id = ?", r -> new Order(r.getString(1),
                r.getString(2), r.getString(3), CertificateProfile.parse(r.getString(4)), r.getString(5),
                identifiers(r.getString(6)), Jdbc.instant(r, "expires_at"), r.getString(8), r.getString(9)), id));
    }

    List<String> orderIds(String accountId) throws StoreException {
        return database.inTransaction(c -> Jdbc.query(c, "SELECT id FROM acme_order WHERE account_id = ?"
                + " ORDER BY created_at, id", r -> r.getString(1), accountId));
    }

    Optional<Authz> authz(String id) throws StoreException {
        return database.inTransaction(c -> Jdbc.queryOne(c, AUTHZ_SELECT + " WHERE id = ?", AcmeStore::authz, id));
    }

    List<Authz> authorizations(String orderId) throws StoreException {
        return database.inTransaction(c -> Jdbc.query(c, AUTHZ_SELECT + " WHERE order_id = ? ORDER BY id",
                AcmeStore::authz, orderId));
    }

    /**
     * Records a challenge's outcome: the authorization and challenge valid or invalid, and the
     * order ready once all its authorizations are valid, invalid as soon as one is invalid.
     */
    void recordValidation(Authz authz, boolean valid, String error, Instant now) throws StoreException {
        database.inTransaction(c -> {
            String status = valid ? "valid" : "invalid";
            if (Jdbc.update(c, "UPDATE acme_authz SET status = ?, challenge_status = ?, validated_at = ?, error = ?"
                    + " WHERE id = ? AND status = 'pending'", status, status, now, error, authz.id()) != 1) {
                return null;
            }
            if (!valid) {
                Jdbc.update(c, "UPDATE acme_order SET status = 'invalid', error = ? WHERE id = ? AND status = 'pending'",
                        error, authz.orderId());
            } else if (Jdbc.count(c, "SELECT COUNT(*) FROM acme_authz WHERE order_id = ? AND status <> 'valid'",
                    authz.orderId()) == 0) {
                Jdbc.update(c, "UPDATE acme_order SET status = 'ready' WHERE id = ? AND status = 'pending'",
                        authz.orderId());
            }
            return null;
        });
    }

    /** Moves a ready order to valid with its certificate; false when it was no longer ready. */
    boolean completeOrder(String orderId, String serial) throws StoreException {
        return database.inTransaction(c -> Jdbc.update(c, "UPDATE acme_order SET status = 'valid', serial = ?"
                + " WHERE id = ? AND status = 'ready'", serial, orderId)) == 1;
    }

    void failOrder(String orderId, String error) throws StoreException {
        database.inTransaction(c -> Jdbc.update(c, "UPDATE acme_order SET status = 'invalid', error = ?"
                + " WHERE id = ? AND status IN ('pending', 'ready')", error, orderId));
    }

    private static final String AUTHZ_SELECT = "SELECT id, order_id, identifier_type, identifier_value, status, token,"
            + " challenge_status, validated_at, error FROM acme_authz";

    private static Authz authz(java.sql.ResultSet r) throws SQLException {
        return new Authz(r.getString(1), r.getString(2), new AcmeIdentifier(r.getString(3), r.getString(4)),
                r.getString(5), r.getString(6), r.getString(7), Jdbc.instant(r, "validated_at"), r.getString(9));
    }

    private static String identifiersJson(List<AcmeIdentifier> identifiers) {
        List<Map<String, String>> list = new ArrayList<>();
        for (AcmeIdentifier id : identifiers) {
            list.add(Map.of("type", id.type(), "value", id.value()));
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("identifiers cannot be written: " + e.getMessage(), e);
        }
    }

    private static List<AcmeIdentifier> identifiers(String json) throws SQLException {
        try {
            List<Map<String, String>> list = JSON.readValue(json, new TypeReference<>() { });
            List<AcmeIdentifier> out = new ArrayList<>();
            for (Map<String, String> m : list) {
                out.add(new AcmeIdentifier(m.get("type"), m.get("value")));
            }
            return out;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SQLException("stored order identifiers cannot be read: " + e.getMessage(), e);
        }
    }
}
