package org.xroadng.securityserver.keys;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x509.GeneralName;
import org.xroadng.certs.Pem;
import org.xroadng.certs.csr.CsrBuilder;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.profile.ProfileException;
import org.xroadng.certs.token.KeyToken;
import org.xroadng.certs.token.SoftwareToken;
import org.xroadng.certs.token.TokenException;
import org.xroadng.certs.token.TokenKey;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.XRoadId;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.jws.SigningKey;
import org.xroadng.securityserver.message.ServerIdentity.MemberKey;
import org.xroadng.securityserver.ServerException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;

/**
 * The security server's keys (DESIGN.md sections 4 and 6), held in its software token and in the
 * PKCS#11 tokens (HSMs) configured in its {@code tokens/} directory ({@link HsmToken}): one
 * authentication key (TLS between security servers, certificate of the {@code auth} profile naming
 * this server) and one signing key per member whose subsystems the server hosts (certificate of the
 * {@code sign} profile naming that member). Which key has which role, and which token holds it, is
 * kept in the database. The authentication key and the message log key are always in the software
 * token: TLS (JSSE) can only use a key of a provider registered globally, which PKCS#11 providers
 * here never are; a signing key may be generated in an HSM token instead, and then never leaves it.
 *
 * <p>Guarantees: a certificate is imported only for a key of this token whose role it matches, and
 * only when it names this server (auth) or that key's member (sign); otherwise nothing changes.
 * {@link #signer}, {@link #authCertificate} and {@link #ownCertificates} read an immutable snapshot
 * rebuilt after each change, so the proxies may call them for every message. Thread-safe.
 */
public final class ServerKeys {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** What a key is for. */
    public enum Role { AUTH, SIGN }

    /**
     * One key as the operator sees it.
     *
     * @param identity    this server (auth) or the member (sign)
     * @param certificate the CA-issued certificate, when one has been imported
     */
    public record KeyInfo(String keyId, Role role, XRoadId identity, Optional<X509Certificate> certificate,
                          String token) {
        /** The name of the software token in {@link #token()}. */
        public static final String SOFTWARE = "software";

        /** A key of the software token. */
        public KeyInfo(String keyId, Role role, XRoadId identity, Optional<X509Certificate> certificate) {
            this(keyId, role, identity, certificate, SOFTWARE);
        }

        public KeyInfo {
            Objects.requireNonNull(token, "token");
        }
    }

    /** The keys and certificates the data plane reads without touching the token or database. */
    private record Snapshot(List<KeyInfo> keys, List<KeyInfo> authKeys,
                            Map<MemberId, List<MemberKey>> signers, List<X509Certificate> ownCertificates) {
    }

    private final SoftwareToken token;
    /** The HSM tokens by id, in the order of their files in {@code tokens/}. */
    private final Map<String, KeyToken> hsms;
    private final Database database;
    private final SecurityServerId serverId;
    private final String serverHost;
    private final Clock clock;
    private volatile Snapshot snapshot;
    /** The authentication key TLS presents, chosen by the server ({@link #useAuthKey}); null: the oldest certified. */
    private volatile String authKeyInUse;
    /** JSSE key managers of the authentication keys, by key id, made on first use. */
    private final Map<String, X509ExtendedKeyManager> authManagers = new java.util.concurrent.ConcurrentHashMap<>();
    /** The version of the shared token copy this node's token is; 0 while none is shared. */
    private long tokenVersion;

    private ServerKeys(SoftwareToken token, Map<String, ? extends KeyToken> hsms, Database database,
                       SecurityServerId serverId, String serverHost, Clock clock) throws TokenException {
        this.token = token;
        this.hsms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hsms));
        if (this.hsms.containsKey(KeyInfo.SOFTWARE)) {
            throw new IllegalArgumentException("'" + KeyInfo.SOFTWARE + "' names the software token; an HSM token"
                    + " needs another id");
        }
        this.database = database;
        this.serverId = serverId;
        this.serverHost = serverHost;
        this.clock = clock;
        if (shared()) {
            Optional<Long> stored = database.inTransaction(ServerKeys::sharedVersion);
            if (stored.isPresent()) {
                adoptShared(stored.get());
            }
        }
        this.snapshot = load();
    }

    /**
     * Whether the token is shared through the database: on PostgreSQL, where the nodes of a
     * clustered server meet. On H2 the token is the file alone.
     */
    private boolean shared() {
        return database.engine() == Database.Engine.POSTGRESQL;
    }

    private static Optional<Long> sharedVersion(Connection c) throws SQLException {
        return Jdbc.queryOne(c, "SELECT version FROM token_copy WHERE id = 1", r -> r.getLong(1));
    }

    private void adoptShared(long version) throws TokenException {
        byte[] copy = database.inTransaction(c -> Jdbc.queryOne(c, "SELECT pkcs12 FROM token_copy WHERE id = 1",
                r -> r.getBytes(1))).orElseThrow();
        token.adopt(copy);
        tokenVersion = version;
    }

    /**
     * Adopts the shared token when another node of this server stored a newer one (a key it
     * generated, a certificate it imported); true when it did, and the keys are then read anew.
     */
    public synchronized boolean syncShared() throws TokenException {
        if (!shared()) {
            return false;
        }
        Optional<Long> stored = database.inTransaction(ServerKeys::sharedVersion);
        if (stored.isEmpty() || stored.get() <= tokenVersion) {
            return false;
        }
        adoptShared(stored.get());
        snapshot = load();
        return true;
    }

    /**
     * Stores this node's token as the next shared version, in {@code c}'s transaction; refused
     * when another node stored one since this node last adopted or stored it.
     */
    private void share(Connection c, byte[] encoded) throws SQLException, ConcurrentKeyChange {
        long next = tokenVersion + 1;
        int updated = tokenVersion == 0 ? 0 : Jdbc.update(c, "UPDATE token_copy SET pkcs12 = ?, version = ?,"
                + " saved_at = ? WHERE id = 1 AND version = ?", encoded, next, clock.instant(), tokenVersion);
        if (updated == 0) {
            if (tokenVersion != 0 || sharedVersion(c).isPresent()) {
                throw new ConcurrentKeyChange();
            }
            Jdbc.update(c, "INSERT INTO token_copy (id, pkcs12, version, saved_at) VALUES (1, ?, ?, ?)", encoded, next,
                    clock.instant());
        }
        tokenVersion = next;
    }

    /** Another node of this server changed the shared token first. */
    private static final class ConcurrentKeyChange extends Exception {
        ConcurrentKeyChange() {
            super("another node of this server changed its keys at the same time; this change was not kept and"
                    + " the keys were read again from the other node; try again");
        }
    }

    /**
     * After a change this node made to its token: shares it, or, when another node changed the
     * shared token first, takes theirs (undoing this change) and refuses with a conflict.
     */
    private void shareChange(Database.Work<Void, ConcurrentKeyChange> alsoInTransaction)
            throws ServerException, TokenException {
        byte[] encoded = shared() ? token.encoded() : null;
        try {
            database.<Void, ConcurrentKeyChange>inTransaction(c -> {
                alsoInTransaction.run(c);
                if (encoded != null) {
                    share(c, encoded);
                }
                return null;
            });
        } catch (ConcurrentKeyChange e) {
            Optional<Long> stored = database.inTransaction(ServerKeys::sharedVersion);
            if (stored.isPresent()) {
                adoptShared(stored.get());
            }
            snapshot = load();
            throw ServerException.conflict(e.getMessage());
        }
    }

    /**
     * Keys of a new server: generates its authentication key and its owner's signing key.
     *
     * @param serverHost the DNS name or IP address peers use, put in the auth CSR
     */
    public static ServerKeys create(SoftwareToken token, Database database, SecurityServerId serverId,
                                    String serverHost, Clock clock) throws TokenException, ServerException {
        return create(token, Map.of(), null, database, serverId, serverHost, clock);
    }

    /**
     * Keys of a new server, the owner's signing key generated in the HSM token {@code signToken}
     * (one of {@code hsms}), or in the software token when it is null.
     */
    public static ServerKeys create(SoftwareToken token, Map<String, ? extends KeyToken> hsms, String signToken,
                                    Database database, SecurityServerId serverId, String serverHost, Clock clock)
            throws TokenException, ServerException {
        if (database.engine() == Database.Engine.POSTGRESQL
                && database.inTransaction(ServerKeys::sharedVersion).isPresent()) {
            throw ServerException.conflict("the database already holds the keys of a security server; a new server"
                    + " needs a database of its own, and another node of an existing server is made from a copy of"
                    + " that server's directory");
        }
        ServerKeys keys = new ServerKeys(token, hsms, database, serverId, serverHost, clock);
        if (!keys.keys().isEmpty()) {
            throw ServerException.conflict("the server already has keys; open it instead of creating it");
        }
        keys.hsm(signToken);
        keys.generate(Role.AUTH, serverId, null);
        keys.generate(Role.SIGN, serverId.owner(), signToken);
        return keys;
    }

    /** The keys of an existing server, as recorded in its database. */
    public static ServerKeys open(SoftwareToken token, Database database, SecurityServerId serverId, String serverHost,
                                  Clock clock) throws TokenException {
        return new ServerKeys(token, Map.of(), database, serverId, serverHost, clock);
    }

    /**
     * The keys of an existing server whose keys may also be in the HSM tokens {@code hsms}; a key
     * recorded in a token that is not among them is refused, naming the token.
     */
    public static ServerKeys open(SoftwareToken token, Map<String, ? extends KeyToken> hsms, Database database,
                                  SecurityServerId serverId, String serverHost, Clock clock) throws TokenException {
        return new ServerKeys(token, hsms, database, serverId, serverHost, clock);
    }

    /** The ids of the HSM tokens this server uses, as its {@code tokens/} directory configures them. */
    public List<String> hsmTokens() {
        return List.copyOf(hsms.keySet());
    }

    /** The HSM token {@code id}; null stands for the software token and gives null. */
    private KeyToken hsm(String id) throws ServerException {
        if (id == null) {
            return null;
        }
        KeyToken hsm = hsms.get(id);
        if (hsm == null) {
            throw ServerException.badRequest("no token '" + id + "'; expected one of the server's HSM tokens"
                    + " (tokens/ID.yaml) " + (hsms.isEmpty() ? "(it has none)" : hsms.keySet().toString()),
                    "a configured token id", id);
        }
        return hsm;
    }

    public SecurityServerId serverId() {
        return serverId;
    }

    /** Every key with its role and certificate, auth key first, then signing keys by member. */
    public List<KeyInfo> keys() {
        return snapshot.keys();
    }

    /** The id of the authentication key. */
    public String authKeyId() {
        return authKeyInUse().map(KeyInfo::keyId).orElseGet(() -> keys().stream().filter(k -> k.role() == Role.AUTH)
                .findFirst().map(KeyInfo::keyId)
                .orElseThrow(() -> new IllegalStateException("the server has no authentication key")));
    }

    /**
     * The certified authentication key TLS presents: the one the server chose ({@link #useAuthKey})
     * while it is certified, else the one with the oldest certificate (the registered one, until
     * the server finds a newer one registered).
     */
    public Optional<KeyInfo> authKeyInUse() {
        List<KeyInfo> certified = snapshot.authKeys();
        String chosen = authKeyInUse;
        return certified.stream().filter(k -> k.keyId().equals(chosen)).findFirst()
                .or(() -> certified.isEmpty() ? Optional.empty() : Optional.of(certified.get(certified.size() - 1)));
    }

    /** The certified authentication keys, the newest certificate first (two while one is rotated). */
    public List<KeyInfo> authKeys() {
        return snapshot.authKeys();
    }

    /**
     * Makes TLS present {@code keyId} from the next handshake on (connections already open keep
     * theirs); refused unless it is a certified authentication key.
     */
    public void useAuthKey(String keyId) throws ServerException {
        if (snapshot.authKeys().stream().noneMatch(k -> k.keyId().equals(keyId))) {
            throw ServerException.badRequest("key " + keyId + " is not a certified authentication key of this server",
                    "a certified authentication key", keyId);
        }
        authKeyInUse = keyId;
    }

    /**
     * Generates the server's next authentication key, for rotating it: TLS goes on presenting the
     * current one until the new one's certificate is imported, registered (authCertReg) and
     * approved, and the server has seen it in the global configuration long enough for its peers
     * to have it too. Refused while the current key is not certified, or a new key already waits
     * for its certificate. Always in the software token (TLS signs there).
     */
    public synchronized String rotateAuthKey() throws ServerException, TokenException {
        List<KeyInfo> own = keys().stream().filter(k -> k.role() == Role.AUTH).toList();
        if (own.stream().noneMatch(k -> k.certificate().isPresent())) {
            throw ServerException.conflict("this server's authentication key has no certificate yet; import one and"
                    + " register it before rotating it");
        }
        Optional<KeyInfo> waiting = own.stream().filter(k -> k.certificate().isEmpty()).findFirst();
        if (waiting.isPresent()) {
            throw ServerException.conflict("authentication key " + waiting.get().keyId()
                    + " already waits for its certificate: import that certificate first");
        }
        return generate(Role.AUTH, serverId, null);
    }

    /** The id of the member's signing key. */
    public Optional<String> signKeyId(MemberId member) {
        return keys().stream().filter(k -> k.role() == Role.SIGN && k.identity().equals(member)).findFirst()
                .map(KeyInfo::keyId);
    }

    /**
     * Generates a signing key for another member hosted on this server; refuses a member that
     * already has one here.
     */
    public synchronized String addSigningKey(MemberId member) throws ServerException, TokenException {
        return addSigningKey(member, null);
    }

    /**
     * Generates the next signing key of a member whose current one is certified, for rotating it
     * without a pause: the message signer goes on with the current key until the new one's
     * certificate is imported and an OCSP response for it is at hand, then signs with the new
     * one (the newest certificate that can sign is used; {@link #signers}). Refused while the
     * member has no certified key here, or already has a key waiting for its certificate.
     *
     * @param tokenId the HSM token to generate it in; null: the software token
     */
    public synchronized String rotateSigningKey(MemberId member, String tokenId) throws ServerException, TokenException {
        Objects.requireNonNull(member, "member");
        hsm(tokenId);
        List<KeyInfo> own = keys().stream().filter(k -> k.role() == Role.SIGN && k.identity().equals(member)).toList();
        if (own.stream().noneMatch(k -> k.certificate().isPresent())) {
            throw ServerException.conflict("member " + member + " has no certified signing key on this server to rotate;"
                    + " add one with 'xroad server sign-key add' and import its certificate");
        }
        Optional<KeyInfo> waiting = own.stream().filter(k -> k.certificate().isEmpty()).findFirst();
        if (waiting.isPresent()) {
            throw ServerException.conflict("member " + member + " already has signing key " + waiting.get().keyId()
                    + " waiting for its certificate: import that certificate first");
        }
        return generate(Role.SIGN, member, tokenId);
    }

    /**
     * As {@link #addSigningKey(MemberId)}, the key generated in the HSM token {@code tokenId}
     * (null: the software token).
     */
    public synchronized String addSigningKey(MemberId member, String tokenId) throws ServerException, TokenException {
        Objects.requireNonNull(member, "member");
        hsm(tokenId);
        if (!member.instance().equals(serverId.instance())) {
            throw ServerException.badRequest("member " + member + " is of instance " + member.instance()
                    + "; this server belongs to instance " + serverId.instance(), serverId.instance(), member.instance());
        }
        if (signKeyId(member).isPresent()) {
            throw ServerException.conflict("member " + member + " already has signing key " + signKeyId(member).get()
                    + " on this server");
        }
        return generate(Role.SIGN, member, tokenId);
    }

    /**
     * Deletes a key the server no longer uses from its token, and its record. Refused, with
     * nothing changed: the authentication key TLS presents now (or the server's only one), and a
     * signing key whose certificate is valid now when no other key of that member has a valid
     * certificate (the member's messages could no longer be signed). A deleted key signs nothing
     * more; the old authentication certificate should be withdrawn at the registry
     * ({@code authCertDeletion}) before or after.
     *
     * <p>The record and the token change together: a software token key whose record cannot be
     * removed is put back (the token as it was before), and an HSM key the token refuses to
     * delete gets its record back.
     */
    public KeyInfo deleteKey(String keyId) throws ServerException, TokenException {
        return deleteKey(keyId, certificate -> true);
    }

    /**
     * As {@link #deleteKey(String)}, a member's other key counting only when its certificate is
     * valid and {@code signsNow} accepts it (the running signers also need a good, fresh OCSP
     * response for it), so that a member's key is deleted only while another can sign in its place.
     */
    public synchronized KeyInfo deleteKey(String keyId, java.util.function.Predicate<X509Certificate> signsNow)
            throws ServerException, TokenException {
        KeyInfo key = keyInfo(keyId);
        if (key.role() == Role.AUTH && key.keyId().equals(authKeyId())) {
            boolean only = keys().stream().filter(k -> k.role() == Role.AUTH).count() == 1;
            throw ServerException.conflict("key " + keyId + " is " + (only ? "this server's only authentication key"
                    : "the authentication key TLS presents now") + "; rotate it first ('xroad server auth-key add',"
                    + " then import and register the new key's certificate) and delete it once the new one is in use");
        }
        java.time.Instant now = clock.instant();
        if (key.role() == Role.SIGN && validAt(key, now) && keys().stream().noneMatch(k -> k.role() == Role.SIGN
                && k.identity().equals(key.identity()) && !k.keyId().equals(keyId) && validAt(k, now))) {
            throw ServerException.conflict("key " + keyId + " is the only signing key of member " + key.identity()
                    + " with a valid certificate: the member's messages are signed with it; rotate it first ('xroad"
                    + " server sign-key add --rotate', then import the new key's certificate) and delete it after");
        }
        if (key.role() == Role.SIGN && validAt(key, now) && keys().stream().noneMatch(k -> k.role() == Role.SIGN
                && k.identity().equals(key.identity()) && !k.keyId().equals(keyId) && validAt(k, now)
                && signsNow.test(k.certificate().orElseThrow()))) {
            throw ServerException.conflict("key " + keyId + " still signs the messages of member " + key.identity()
                    + ": no other key of the member can sign yet (its certificate has no good, fresh OCSP response"
                    + " yet); try again once it has one (the dashboard's OCSP check)");
        }
        KeyToken holder = tokenOf(key);
        Database.Work<Void, ConcurrentKeyChange> forget = c -> {
            Jdbc.update(c, "DELETE FROM token_key WHERE key_id = ?", keyId);
            return null;
        };
        if (holder == token) {
            byte[] before = token.encoded();
            token.deleteKey(keyId);
            try {
                shareChange(forget);
            } catch (RuntimeException e) {
                token.adopt(before);
                throw e;
            }
        } else {
            java.time.Instant created = database.inTransaction(c -> Jdbc.queryOne(c,
                    "SELECT created_at FROM token_key WHERE key_id = ?", r -> Jdbc.instant(r, "created_at"), keyId))
                    .orElse(now);
            // shared like a software token change, so that the other nodes of a clustered server read
            // their keys again and stop offering this one
            shareChange(forget);
            try {
                holder.deleteKey(keyId);
            } catch (TokenException e) {
                shareChange(c -> {
                    Jdbc.update(c, "INSERT INTO token_key (key_id, role, identity, created_at, token_id) VALUES"
                            + " (?, ?, ?, ?, ?)", keyId, key.role().name(), key.identity().format(), created, key.token());
                    return null;
                });
                snapshot = load();
                throw e;
            }
        }
        authManagers.remove(keyId);
        snapshot = load();
        return key;
    }

    private static boolean validAt(KeyInfo key, java.time.Instant now) {
        return key.certificate().map(c -> !now.isBefore(c.getNotBefore().toInstant())
                && now.isBefore(c.getNotAfter().toInstant())).orElse(false);
    }

    /**
     * A PEM PKCS#10 request (RFC 2986) for the key: auth profile naming this server plus its host
     * name or IP address, or sign profile naming the key's member.
     */
    public String csr(String keyId) throws ServerException, TokenException {
        KeyInfo key = keyInfo(keyId);
        List<GeneralName> hosts = key.role() == Role.AUTH ? List.of(hostName(serverHost)) : List.of();
        try {
            return Pem.encode(CsrBuilder.build(tokenOf(key).signingKey(keyId), profile(key.role()), key.identity(),
                    hosts));
        } catch (SigningException e) {
            throw new TokenException("key " + keyId + " cannot sign its certification request: " + e.getMessage(), e);
        }
    }

    /**
     * Imports a CA-issued certificate chain (certificate first). The key is found by the
     * certificate's public key; the certificate must be of the key's profile and name its identity.
     */
    public synchronized KeyInfo importCertificate(List<X509Certificate> chain) throws ServerException, TokenException {
        if (chain == null || chain.isEmpty()) {
            throw ServerException.badRequest("no certificate given; expected a PEM certificate chain, certificate first");
        }
        X509Certificate certificate = chain.get(0);
        String keyId = SoftwareToken.keyId(certificate.getPublicKey());
        KeyInfo key = keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst().orElseThrow(() ->
                ServerException.notFound("certificate " + certificate.getSubjectX500Principal()
                        + " is for a key this server does not have (key id " + keyId + ")"));
        CertificateProfile profile = profile(key.role());
        XRoadId named;
        try {
            named = profile.identityOf(certificate);
        } catch (ProfileException e) {
            throw ServerException.badRequest("certificate " + certificate.getSubjectX500Principal() + " does not fit key "
                    + keyId + ", the " + describe(key) + ": " + e.getMessage(), profile.code() + " profile", "another profile");
        }
        if (!named.equals(key.identity())) {
            throw ServerException.badRequest("certificate names " + named + " but key " + keyId + " is the "
                    + describe(key) + "; expected a certificate naming " + key.identity(),
                    key.identity().format(), named.format());
        }
        KeyToken holder = tokenOf(key);
        if (key.role() == Role.AUTH && authKeyInUse == null) {
            // A new authentication certificate is not presented until the server has seen it registered.
            authKeyInUse().ifPresent(current -> authKeyInUse = current.keyId());
        }
        holder.importCertificate(keyId, chain);
        authManagers.remove(keyId); // a renewed certificate of the same key: the next handshake presents it
        if (holder == token) {
            shareChange(c -> null);
        }
        snapshot = load();
        return keyInfo(keyId);
    }

    /** The authentication certificate, once a CA-issued one has been imported. */
    public Optional<X509Certificate> authCertificate() {
        return authKeyInUse().flatMap(KeyInfo::certificate);
    }

    /** The authentication key, for signing the authCertReg proof of possession. */
    public SigningKey authSigningKey() throws TokenException {
        return token.signingKey(authKeyId());
    }

    /** An authentication key's signing key (for the proof of possession in its authCertReg). */
    public SigningKey authSigningKey(String keyId) throws TokenException {
        return token.signingKey(keyId);
    }

    /** A JSSE key manager presenting the authentication key and its certificate chain (TLS 1.3, mutual). */
    public X509KeyManager authKeyManager() throws TokenException {
        authManager(authKeyId()); // fails now, not in a handshake, if the key cannot be used
        return new AuthKeyManager();
    }

    private X509ExtendedKeyManager authManager(String keyId) throws TokenException {
        X509ExtendedKeyManager known = authManagers.get(keyId);
        if (known != null) {
            return known;
        }
        X509KeyManager made = token.keyManager(keyId);
        if (!(made instanceof X509ExtendedKeyManager extended)) {
            throw new TokenException("the JSSE key manager of key " + keyId + " cannot serve SSLEngine handshakes");
        }
        authManagers.put(keyId, extended);
        return extended;
    }

    /**
     * Presents, in each handshake, the authentication key in use at that moment
     * ({@link #authKeyInUse}). An alias it hands out is the key id, a separator and the alias of
     * that key's own JSSE manager, so a handshake that began with one key finishes with it even if
     * the server switches meanwhile.
     */
    private final class AuthKeyManager extends X509ExtendedKeyManager {

        private static final char SEPARATOR = '|';

        private String keyId() {
            return authKeyId();
        }

        private X509ExtendedKeyManager manager(String keyId) {
            try {
                return authManager(keyId);
            } catch (TokenException e) {
                throw new IllegalStateException("the authentication key cannot be used: " + e.getMessage(), e);
            }
        }

        private String ours(String keyId, String inner) {
            return inner == null ? null : keyId + SEPARATOR + inner;
        }

        private String[] ours(String keyId, String[] inner) {
            if (inner == null) {
                return null;
            }
            String[] out = new String[inner.length];
            for (int i = 0; i < inner.length; i++) {
                out[i] = ours(keyId, inner[i]);
            }
            return out;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).getClientAliases(keyType, issuers));
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).getServerAliases(keyType, issuers));
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).chooseEngineClientAlias(keyType, issuers, engine));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            String keyId = keyId();
            return ours(keyId, manager(keyId).chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            int at = alias == null ? -1 : alias.indexOf(SEPARATOR);
            return at < 0 ? null : manager(alias.substring(0, at)).getCertificateChain(alias.substring(at + 1));
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            int at = alias == null ? -1 : alias.indexOf(SEPARATOR);
            return at < 0 ? null : manager(alias.substring(0, at)).getPrivateKey(alias.substring(at + 1));
        }
    }

    /**
     * The member's signing key and chain, only once a CA-issued certificate has been imported for
     * it: of several (a rotation under way), the one with the newest certificate.
     */
    public Optional<MemberKey> signer(MemberId member) {
        return signers(member).stream().findFirst();
    }

    /** The member's certified signing keys, the newest certificate (latest notBefore) first. */
    public List<MemberKey> signers(MemberId member) {
        return snapshot.signers().getOrDefault(member, List.of());
    }

    /** Every CA-issued certificate of this server's keys (auth and sign), without CA certificates. */
    public List<X509Certificate> ownCertificates() {
        return snapshot.ownCertificates();
    }

    private KeyInfo keyInfo(String keyId) throws ServerException {
        return keys().stream().filter(k -> k.keyId().equals(keyId)).findFirst()
                .orElseThrow(() -> ServerException.notFound("this server has no key " + keyId));
    }

    private KeyToken tokenOf(KeyInfo key) {
        return key.token().equals(KeyInfo.SOFTWARE) ? token : hsms.get(key.token());
    }

    /** Generates a key in the HSM token {@code tokenId}, or in the software token when it is null. */
    private String generate(Role role, XRoadId identity, String tokenId) throws TokenException, ServerException {
        KeyToken hsm = hsm(tokenId);
        String keyId = hsm == null ? token.generateKey() : hsm.generateKey();
        Database.Work<Void, ConcurrentKeyChange> record = c -> {
            Jdbc.update(c, "INSERT INTO token_key (key_id, role, identity, created_at, token_id) VALUES (?, ?, ?, ?, ?)",
                    keyId, role.name(), identity.format(), clock.instant(), tokenId);
            return null;
        };
        if (hsm == null) {
            shareChange(record);
        } else {
            // the software token is unchanged: only the row is new (an HSM key is shared by the HSM itself)
            try {
                database.<Void, ConcurrentKeyChange>inTransaction(record);
            } catch (ConcurrentKeyChange e) {
                throw ServerException.conflict(e.getMessage());
            }
        }
        snapshot = load();
        return keyId;
    }

    private Snapshot load() throws TokenException {
        List<String[]> rows = database.inTransaction(ServerKeys::rows);
        List<KeyInfo> keys = new ArrayList<>();
        Map<MemberId, List<MemberKey>> signers = new HashMap<>();
        List<X509Certificate> own = new ArrayList<>();
        List<KeyInfo> authKeys = new ArrayList<>();
        for (String[] row : rows) {
            Role role = Role.valueOf(row[1]);
            XRoadId identity = role == Role.AUTH ? SecurityServerId.parse(row[2]) : MemberId.parse(row[2]);
            KeyToken holder = row[3] == null ? token : hsms.get(row[3]);
            if (holder == null) {
                throw new TokenException("the " + (role == Role.AUTH ? "authentication key" : "signing key of member "
                        + identity) + " (key " + row[0] + ") is in token " + row[3] + ", which the server's tokens/ directory"
                        + " does not configure; configure the token again (tokens/" + row[3] + ".yaml: its module, slot"
                        + " and PIN) to use the key");
            }
            TokenKey tokenKey = holder.key(row[0]);
            Optional<X509Certificate> certificate = tokenKey.hasIssuedCertificate()
                    ? Optional.of(tokenKey.certificate()) : Optional.empty();
            keys.add(new KeyInfo(row[0], role, identity, certificate, row[3] == null ? KeyInfo.SOFTWARE : row[3]));
            if (certificate.isPresent()) {
                own.add(certificate.get());
                if (role == Role.AUTH) {
                    authKeys.add(keys.get(keys.size() - 1));
                } else {
                    signers.computeIfAbsent((MemberId) identity, m -> new ArrayList<>())
                            .add(new MemberKey((MemberId) identity, holder.signingKey(row[0]), tokenKey.chain()));
                }
            }
        }
        Map<MemberId, List<MemberKey>> newestFirst = new HashMap<>();
        signers.forEach((member, list) -> newestFirst.put(member, list.stream().sorted(Comparator.comparing(
                (MemberKey m) -> m.chain().get(0).getNotBefore()).reversed()).toList()));
        authKeys.sort(Comparator.comparing((KeyInfo k) -> k.certificate().orElseThrow().getNotBefore())
                .thenComparing(KeyInfo::keyId).reversed());
        return new Snapshot(List.copyOf(keys), List.copyOf(authKeys), Map.copyOf(newestFirst), List.copyOf(own));
    }

    private static List<String[]> rows(Connection c) throws SQLException {
        return Jdbc.query(c, "SELECT key_id, role, identity, token_id FROM token_key ORDER BY role, identity, key_id",
                r -> new String[] {r.getString(1), r.getString(2), r.getString(3), r.getString(4)});
    }

    private static CertificateProfile profile(Role role) {
        return role == Role.AUTH ? CertificateProfile.AUTH : CertificateProfile.SIGN;
    }

    private static String describe(KeyInfo key) {
        return key.role() == Role.AUTH ? "authentication key of server " + key.identity()
                : "signing key of member " + key.identity();
    }

    /** An IP literal becomes an iPAddress name, anything else a dNSName (RFC 5280 section 4.2.1.6). */
    static GeneralName hostName(String host) {
        boolean ip = IPV4.matcher(host).matches() || host.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host);
    }

    /**
     * The message log's AES-256 key, created in the token on first use (never exported); on a
     * clustered server, the one the first node made, shared with the token.
     */
    public synchronized org.xroadng.securityserver.log.MessageLogKey messageLogKey() throws TokenException {
        String alias = org.xroadng.securityserver.log.MessageLogKey.DEFAULT_ALIAS;
        if (token.secretKey(alias).isPresent()) {
            return org.xroadng.securityserver.log.MessageLogKey.fromToken(token, alias);
        }
        org.xroadng.securityserver.log.MessageLogKey created =
                org.xroadng.securityserver.log.MessageLogKey.fromToken(token, alias);
        try {
            shareChange(c -> null);
            return created;
        } catch (ServerException e) {
            // another node made it first: the token now holds theirs
            return org.xroadng.securityserver.log.MessageLogKey.fromToken(token, alias);
        }
    }
    /** The token alias of the access log's Ed25519 note key (its 32-byte seed). */
    public static final String ACCESS_LOG_NOTE_ALIAS = "accesslog-note-ed25519";

    /**
     * The access log's Ed25519 note key (C2SP signed-note), named by the log's origin
     * ({@link org.xroadng.auditlog.access.AccessLogOrigin}): its 32-byte seed is generated from the
     * token's random source on first use and kept in the PIN-protected token like the message log
     * key (never exported); on a clustered server, the one the first node made, shared with the
     * token, so every node signs checkpoints with the same key.
     */
    public synchronized org.xroadng.auditlog.note.NoteSigner accessLogNoteSigner() throws TokenException {
        String alias = ACCESS_LOG_NOTE_ALIAS;
        if (token.secretKey(alias).isEmpty()) {
            token.generateSecretKey(alias);
            try {
                shareChange(c -> null);
            } catch (ServerException e) {
                // another node made it first: the token now holds theirs
            }
        }
        byte[] seed = token.secretKey(alias).orElseThrow().getEncoded();
        try {
            return org.xroadng.auditlog.note.NoteSigner.fromSeed(
                    org.xroadng.auditlog.access.AccessLogOrigin.of(serverId), seed);
        } catch (org.xroadng.auditlog.note.NoteFormatException e) {
            throw new TokenException("the access log note key cannot be made: " + e.getMessage(), e);
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }
}
