package org.xroadng.certs.ca;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ocsp.CertificateStatusSource;

/**
 * The CA's records in an H2 database (schema by Flyway, {@code db/ca}). Opened with H2's
 * auto-server mode, so the trust services and an operator's {@code xroad ca revoke} can share it.
 * Each write is one transaction.
 */
final class CertificateStore implements CertificateStatusSource, AutoCloseable {

    private final JdbcConnectionPool pool;

    private CertificateStore(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    static CertificateStore open(Path databaseFile) {
        String url = "jdbc:h2:file:" + databaseFile.toAbsolutePath() + ";AUTO_SERVER=TRUE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "ca", "");
        Flyway.configure().dataSource(pool).locations("classpath:db/ca").load().migrate();
        return new CertificateStore(pool);
    }

    void insert(String kind, String identity, X509Certificate certificate, Instant issuedAt) throws CaException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO issued_certificate (serial, kind, identity, subject,"
                     + " not_before, not_after, issued_at, certificate_pem) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, certificate.getSerialNumber().toString(16));
            s.setString(2, kind);
            s.setString(3, identity);
            s.setString(4, certificate.getSubjectX500Principal().getName());
            s.setObject(5, utc(certificate.getNotBefore().toInstant()));
            s.setObject(6, utc(certificate.getNotAfter().toInstant()));
            s.setObject(7, utc(issuedAt));
            s.setString(8, Pem.encode(certificate));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new CaException("cannot record the issued certificate: " + e.getMessage(), e);
        }
    }

    /** Marks a good certificate revoked; false when it is unknown or already revoked. */
    boolean revoke(BigInteger serial, Instant at, RevocationReason reason) throws CaException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("UPDATE issued_certificate SET revoked_at = ?, revocation_reason = ?"
                     + " WHERE serial = ? AND revoked_at IS NULL")) {
            s.setObject(1, utc(at));
            s.setInt(2, reason.code());
            s.setString(3, serial.toString(16));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new CaException("cannot record the revocation: " + e.getMessage(), e);
        }
    }

    Optional<IssuedCertificate> find(BigInteger serial) throws CaException {
        List<IssuedCertificate> found = query("WHERE serial = ?", serial.toString(16));
        return found.stream().findFirst();
    }

    List<IssuedCertificate> list() throws CaException {
        return query("ORDER BY issued_at, serial");
    }

    @Override
    public Optional<IssuedStatus> statusOf(BigInteger serialNumber) {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT revoked_at, revocation_reason FROM issued_certificate WHERE serial = ?")) {
            s.setString(1, serialNumber.toString(16));
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                OffsetDateTime revokedAt = r.getObject(1, OffsetDateTime.class);
                return Optional.of(revokedAt == null ? IssuedStatus.good()
                        : IssuedStatus.revoked(revokedAt.toInstant(), r.getInt(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("CA database cannot be read: " + e.getMessage(), e);
        }
    }

    private List<IssuedCertificate> query(String where, String... args) throws CaException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT serial, kind, identity, issued_at, revoked_at,"
                     + " revocation_reason, certificate_pem FROM issued_certificate " + where)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            List<IssuedCertificate> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    OffsetDateTime revokedAt = r.getObject(5, OffsetDateTime.class);
                    out.add(new IssuedCertificate(new BigInteger(r.getString(1), 16), r.getString(2), r.getString(3),
                            Pem.certificate(r.getString(7)), r.getObject(4, OffsetDateTime.class).toInstant(),
                            revokedAt == null ? null : revokedAt.toInstant(),
                            revokedAt == null ? null : RevocationReason.ofCode(r.getInt(6))));
                }
            }
            return out;
        } catch (SQLException | CertificateException e) {
            throw new CaException("CA database cannot be read: " + e.getMessage(), e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
