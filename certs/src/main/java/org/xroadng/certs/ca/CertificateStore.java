package org.xroadng.certs.ca;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.xroadng.certs.Pem;
import org.xroadng.certs.ocsp.CertificateStatusSource;
import org.xroadng.protocol.store.Database;
import org.xroadng.protocol.store.DatabaseSettings;
import org.xroadng.protocol.store.Jdbc;
import org.xroadng.protocol.store.StoreException;

/**
 * The CA's records in its database (schema by Flyway, {@code db/ca}): an H2 file opened in
 * auto-server mode, so the trust services and an operator's {@code xroad ca revoke} can share it,
 * or a schema of a PostgreSQL database. Each write is one transaction.
 */
final class CertificateStore implements CertificateStatusSource, AutoCloseable {

    static final String DATABASE_NAME = "ca";

    private final Database database;

    private CertificateStore(Database database) {
        this.database = database;
    }

    static CertificateStore open(DatabaseSettings settings, Path h2File) throws CaException {
        try {
            return new CertificateStore(settings.open(h2File, DATABASE_NAME));
        } catch (StoreException e) {
            throw new CaException(e.getMessage(), e);
        }
    }

    Database database() {
        return database;
    }

    void insert(String kind, String identity, X509Certificate certificate, Instant issuedAt) throws CaException {
        try {
            database.inTransaction(c -> Jdbc.update(c, "INSERT INTO issued_certificate (serial, kind, identity,"
                    + " subject, not_before, not_after, issued_at, certificate_pem) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    certificate.getSerialNumber().toString(16), kind, identity,
                    certificate.getSubjectX500Principal().getName(), certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant(), issuedAt, Pem.encode(certificate)));
        } catch (StoreException e) {
            throw new CaException("cannot record the issued certificate: " + e.getMessage(), e);
        }
    }

    /** Marks a good certificate revoked; false when it is unknown or already revoked. */
    boolean revoke(BigInteger serial, Instant at, RevocationReason reason) throws CaException {
        try {
            return database.inTransaction(c -> Jdbc.update(c, "UPDATE issued_certificate SET revoked_at = ?,"
                    + " revocation_reason = ? WHERE serial = ? AND revoked_at IS NULL", at, reason.code(),
                    serial.toString(16))) == 1;
        } catch (StoreException e) {
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

    /** One row of {@link #counts}. */
    private record KindCount(String kind, long issued, long revoked) {
    }

    /**
     * How many certificates of each kind ({@code sign}, {@code auth}) were issued and how many of
     * those are revoked: rows are never deleted and a revocation is never undone, so both only grow.
     */
    CertificateAuthority.IssuedCounts counts() throws CaException {
        try {
            List<KindCount> rows = database.inTransaction(c -> Jdbc.query(c, "SELECT kind, COUNT(*), COUNT(revoked_at)"
                    + " FROM issued_certificate GROUP BY kind",
                    r -> new KindCount(r.getString(1), r.getLong(2), r.getLong(3))));
            Map<String, Long> issued = new TreeMap<>();
            Map<String, Long> revoked = new TreeMap<>();
            rows.forEach(row -> {
                issued.put(row.kind(), row.issued());
                revoked.put(row.kind(), row.revoked());
            });
            return new CertificateAuthority.IssuedCounts(issued, revoked);
        } catch (StoreException e) {
            throw new CaException("CA database cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<IssuedStatus> statusOf(BigInteger serialNumber) {
        try {
            return database.inTransaction(c -> Jdbc.queryOne(c,
                    "SELECT revoked_at, revocation_reason FROM issued_certificate WHERE serial = ?",
                    r -> {
                        Instant revokedAt = Jdbc.instant(r, "revoked_at");
                        return revokedAt == null ? IssuedStatus.good() : IssuedStatus.revoked(revokedAt, r.getInt(2));
                    }, serialNumber.toString(16)));
        } catch (StoreException e) {
            throw new IllegalStateException("CA database cannot be read: " + e.getMessage(), e);
        }
    }

    private List<IssuedCertificate> query(String where, Object... args) throws CaException {
        try {
            return database.inTransaction(c -> Jdbc.query(c, "SELECT serial, kind, identity, issued_at, revoked_at,"
                    + " revocation_reason, certificate_pem FROM issued_certificate " + where, r -> {
                        Instant revokedAt = Jdbc.instant(r, "revoked_at");
                        X509Certificate certificate;
                        try {
                            certificate = Pem.certificate(r.getString(7));
                        } catch (CertificateException e) {
                            throw new SQLException("a stored certificate cannot be parsed: " + e.getMessage(), e);
                        }
                        return new IssuedCertificate(new BigInteger(r.getString(1), 16), r.getString(2),
                                r.getString(3), certificate, Jdbc.instant(r, "issued_at"), revokedAt,
                                revokedAt == null ? null : RevocationReason.ofCode(r.getInt(6)));
                    }, args));
        } catch (StoreException e) {
            throw new CaException("CA database cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
