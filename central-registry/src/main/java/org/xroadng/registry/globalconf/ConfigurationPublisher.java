package org.xroadng.registry.globalconf;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.globalconf.GlobalConfigurationCodec;
import org.xroadng.protocol.id.GlobalGroupId;
import org.xroadng.protocol.id.MemberId;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.protocol.jws.JwsSigner;
import org.xroadng.protocol.jws.SigningException;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * Generates, signs and keeps the global configuration. Each generation reads the registry in one
 * transaction, takes the next version (never reused, also across restarts, because versions are
 * stored), and expires {@code globalConfValiditySeconds} after it was made. Generation happens
 * after every change and periodically, so servers always find an unexpired copy.
 */
public final class ConfigurationPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationPublisher.class);
    private static final int KEPT_VERSIONS = 20;

    /** A signed configuration as served: its version (also the ETag) and the compact JWS. */
    public record Published(long version, Instant generatedAt, Instant expiresAt, String signed) {
        public String etag() {
            return "\"" + version + "\"";
        }
    }

    private final Database database;
    private final String instance;
    private final JwsSigner signer;
    private final String nextSigningCertificate;
    private final Clock clock;
    private static final int MAX_PUBLISH_ATTEMPTS = 5;
    /** The PostgreSQL advisory lock that orders publications of registry nodes sharing a database. */
    private static final long PUBLISH_LOCK = 0x78726f6164676300L; // "xroadgc"
    /** SQL state of a unique or primary key violation, on H2 and PostgreSQL alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private volatile Published latest;

    /**
     * @param nextSigningCertificate announced in every configuration as
     *        {@link GlobalConfiguration#nextConfigurationSigningCertificate()}; null for none
     */
    public ConfigurationPublisher(Database database, String instance, JwsSigner signer, String nextSigningCertificate,
                                  Clock clock) {
        this.database = database;
        this.instance = instance;
        this.signer = signer;
        this.nextSigningCertificate = nextSigningCertificate;
        this.clock = clock;
        this.latest = stored().orElse(null);
    }

    private Optional<Published> stored() {
        return database.inTransaction(c -> Jdbc.queryOne(c,
                "SELECT version, generated_at, expires_at, signed FROM global_configuration ORDER BY version DESC LIMIT 1",
                r -> new Published(r.getLong("version"), Jdbc.instant(r, "generated_at"), Jdbc.instant(r, "expires_at"),
                        r.getString("signed"))));
    }

    /**
     * The newest signed configuration, if one was ever generated: read from the database, so every
     * registry node sharing it serves the same newest version whichever node published it; the
     * last one read when the database does not answer (it stays signed and valid until it expires).
     */
    public Optional<Published> latest() {
        try {
            stored().ifPresent(newest -> latest = newest);
        } catch (StoreException e) {
            LOG.warn("the registry database does not answer; serving global configuration version {} as last read: {}",
                    latest == null ? "none" : latest.version(), e.getMessage());
        }
        return Optional.ofNullable(latest);
    }

    /**
     * Generates, signs and stores the next version; returns it. Registry nodes sharing a
     * PostgreSQL database take turns (an advisory lock held until the version is committed); should
     * another node still have stored that version number first, the next one is taken.
     */
    public synchronized Published publish() throws SigningException {
        for (int attempt = 1; ; attempt++) {
            try {
                Published published = database.<Published, SigningException>inTransaction(c -> {
                    if (database.engine() == Database.Engine.POSTGRESQL) {
                        // registry nodes sharing the database publish one at a time, each after the last
                        Jdbc.query(c, "SELECT pg_advisory_xact_lock(?)", r -> Boolean.TRUE, PUBLISH_LOCK);
                    }
                    long version = Jdbc.count(c, "SELECT COALESCE(MAX(version), 0) FROM global_configuration") + 1;
                    GlobalConfiguration configuration = read(c, version);
                    String signed = GlobalConfigurationCodec.sign(configuration, signer);
                    Jdbc.update(c, "INSERT INTO global_configuration (version, generated_at, expires_at, signed)"
                            + " VALUES (?, ?, ?, ?)", version, configuration.generatedAt(), configuration.expiresAt(),
                            signed);
                    Jdbc.update(c, "DELETE FROM global_configuration WHERE version <= ?", version - KEPT_VERSIONS);
                    return new Published(version, configuration.generatedAt(), configuration.expiresAt(), signed);
                });
                latest = published;
                LOG.debug("published global configuration version {}", published.version());
                return published;
            } catch (StoreException e) {
                if (attempt >= MAX_PUBLISH_ATTEMPTS || !versionTaken(e)) {
                    throw e;
                }
                LOG.debug("global configuration version taken by another registry node; publishing the next");
            }
        }
    }

    private static boolean versionTaken(StoreException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private GlobalConfiguration read(Connection c, long version) throws SQLException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        var settings = Jdbc.query(c, "SELECT name, setting_value FROM setting", r -> java.util.Map.entry(r.getString(1), r.getString(2)))
                .stream().collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
        int validity = Integer.parseInt(settings.get("globalConfValiditySeconds"));

        List<GlobalConfiguration.MemberClass> classes = Jdbc.query(c,
                "SELECT code, description FROM member_class ORDER BY code",
                r -> new GlobalConfiguration.MemberClass(r.getString(1), r.getString(2)));
        List<GlobalConfiguration.Member> members = new ArrayList<>();
        for (var row : Jdbc.query(c, "SELECT id, name FROM member ORDER BY id",
                r -> java.util.Map.entry(r.getString(1), r.getString(2)))) {
            members.add(new GlobalConfiguration.Member(MemberId.parse(row.getKey()), row.getValue(),
                    Jdbc.query(c, "SELECT id FROM subsystem WHERE member_id = ? ORDER BY id",
                            r -> SubsystemId.parse(r.getString(1)).subsystemCode(), row.getKey())));
        }
        List<GlobalConfiguration.SecurityServer> servers = new ArrayList<>();
        record ServerRow(String id, String address, MemberId owner) {
        }
        for (ServerRow row : Jdbc.query(c, "SELECT id, address, owner_id FROM security_server ORDER BY id",
                r -> new ServerRow(r.getString(1), r.getString(2), MemberId.parse(r.getString(3))))) {
            servers.add(new GlobalConfiguration.SecurityServer(SecurityServerId.parse(row.id()), row.address(),
                    Jdbc.query(c, "SELECT sha256 FROM auth_certificate WHERE server_id = ? ORDER BY sha256",
                            r -> r.getString(1), row.id()),
                    Jdbc.query(c, "SELECT subsystem_id FROM server_client WHERE server_id = ? AND NOT disabled"
                            + " ORDER BY subsystem_id", r -> SubsystemId.parse(r.getString(1)), row.id()),
                    Jdbc.query(c, "SELECT subsystem_id FROM server_client WHERE server_id = ? AND disabled"
                            + " ORDER BY subsystem_id", r -> SubsystemId.parse(r.getString(1)), row.id()),
                    row.owner()));
        }
        List<GlobalConfiguration.GlobalGroup> groups = new ArrayList<>();
        for (var row : Jdbc.query(c, "SELECT code, description FROM global_group ORDER BY code",
                r -> java.util.Map.entry(r.getString(1), r.getString(2)))) {
            groups.add(new GlobalConfiguration.GlobalGroup(new GlobalGroupId(instance, row.getKey()), row.getValue(),
                    Jdbc.query(c, "SELECT member_id FROM global_group_member WHERE group_code = ? ORDER BY member_id",
                            r -> r.getString(1), row.getKey())));
        }
        Base64.Encoder base64 = Base64.getEncoder();
        List<GlobalConfiguration.ApprovedCa> cas = Jdbc.query(c,
                "SELECT name, certificate, ocsp_url FROM approved_ca ORDER BY created_at, id",
                r -> new GlobalConfiguration.ApprovedCa(r.getString(1), base64.encodeToString(r.getBytes(2)), r.getString(3)));
        List<GlobalConfiguration.ApprovedTsa> tsas = Jdbc.query(c,
                "SELECT name, url, certificate FROM approved_tsa ORDER BY id",
                r -> new GlobalConfiguration.ApprovedTsa(r.getString(1), r.getString(2), base64.encodeToString(r.getBytes(3))));
        return new GlobalConfiguration(instance, version, now, now.plus(Duration.ofSeconds(validity)), classes, members,
                servers, groups, cas, tsas, new GlobalConfiguration.Settings(
                Integer.parseInt(settings.get("ocspFreshnessSeconds")),
                Integer.parseInt(settings.get("acceptableTimestampFailureSeconds"))),
                org.xroadng.registry.TransparencyWitnesses.transparency(c), nextSigningCertificate);
    }
}
