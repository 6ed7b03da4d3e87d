package org.xroadng.registry;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.xroadng.certs.Pem;
import org.xroadng.protocol.config.ConfigFile.ConfigValues;
import org.xroadng.protocol.store.Jdbc;

/** The certification authorities and time-stamping authorities the instance trusts. */
public final class TrustAnchors {

    private static final String TIME_STAMPING = "1.3.6.1.5.5.7.3.8";

    /** An approved CA; {@code id} is the SHA-256 of its certificate. */
    public record CaView(String id, String name, String certificate, String ocspUrl) {
    }

    public record TsaView(long id, String name, String url, String certificate) {
    }

    private final Changes changes;

    public TrustAnchors(Changes changes) {
        this.changes = changes;
    }

    public List<CaView> cas() {
        return changes.database().inTransaction(c -> Jdbc.query(c,
                "SELECT id, name, certificate, ocsp_url FROM approved_ca ORDER BY created_at, id", TrustAnchors::ca));
    }

    public CaView ca(String id) throws RegistryException {
        return changes.database().<CaView, RegistryException>inTransaction(c -> findCa(c, id)
                .orElseThrow(() -> RegistryException.notFound("no approved CA " + id)));
    }

    /** The approved CA certificates, for validating members' and servers' certificates. */
    public List<X509Certificate> caCertificates() {
        return cas().stream().map(ca -> {
            try {
                return Pem.certificate(ca.certificate());
            } catch (CertificateException e) {
                throw new IllegalStateException("stored CA certificate " + ca.id() + " cannot be read", e);
            }
        }).toList();
    }

    /** The approved TSA certificates, for verifying time-stamp tokens. */
    public List<X509Certificate> tsaCertificates() {
        return tsas().stream().map(tsa -> {
            try {
                return Pem.certificate(tsa.certificate());
            } catch (CertificateException e) {
                throw new IllegalStateException("stored TSA certificate " + tsa.id() + " cannot be read", e);
            }
        }).toList();
    }

    public CaView addCa(Actor actor, String certificatePem, String ocspUrl) throws RegistryException {
        return changes.apply(actor, "ca.create", null, c -> {
            X509Certificate cert = certificate(certificatePem);
            if (cert.getBasicConstraints() < 0) {
                throw RegistryException.badRequest("certificate " + cert.getSubjectX500Principal()
                        + " is not a CA certificate (basicConstraints CA:false)");
            }
            String url = url("ocspUrl", ocspUrl);
            String id = sha256(cert);
            if (findCa(c, id).isPresent()) {
                throw RegistryException.conflict("CA " + cert.getSubjectX500Principal() + " is already approved (id " + id + ")");
            }
            Jdbc.update(c, "INSERT INTO approved_ca (id, name, certificate, ocsp_url, created_at) VALUES (?, ?, ?, ?, ?)",
                    id, cert.getSubjectX500Principal().getName(), der(cert), url, changes.clock().instant());
            return findCa(c, id).orElseThrow();
        });
    }

    public CaView updateCa(Actor actor, String id, String ocspUrl) throws RegistryException {
        return changes.apply(actor, "ca.update", id, c -> {
            String url = url("ocspUrl", ocspUrl);
            if (Jdbc.update(c, "UPDATE approved_ca SET ocsp_url = ? WHERE id = ?", url, id) == 0) {
                throw RegistryException.notFound("no approved CA " + id);
            }
            return findCa(c, id).orElseThrow();
        });
    }

    public void deleteCa(Actor actor, String id) throws RegistryException {
        changes.apply(actor, "ca.delete", id, c -> {
            if (Jdbc.update(c, "DELETE FROM approved_ca WHERE id = ?", id) == 0) {
                throw RegistryException.notFound("no approved CA " + id);
            }
            return null;
        });
    }

    public List<TsaView> tsas() {
        return changes.database().inTransaction(c -> Jdbc.query(c,
                "SELECT id, name, url, certificate FROM approved_tsa ORDER BY id", TrustAnchors::tsa));
    }

    public TsaView tsa(long id) throws RegistryException {
        return changes.database().<TsaView, RegistryException>inTransaction(c -> findTsa(c, id)
                .orElseThrow(() -> RegistryException.notFound("no approved TSA " + id)));
    }

    public TsaView addTsa(Actor actor, String url, String certificatePem) throws RegistryException {
        return changes.apply(actor, "tsa.create", url, c -> {
            String checkedUrl = url("url", url);
            X509Certificate cert = certificate(certificatePem);
            try {
                if (cert.getExtendedKeyUsage() == null || !cert.getExtendedKeyUsage().contains(TIME_STAMPING)) {
                    throw RegistryException.badRequest("certificate " + cert.getSubjectX500Principal()
                            + " lacks the timeStamping extended key usage a TSA certificate needs");
                }
            } catch (CertificateParsingException e) {
                throw RegistryException.badRequest("certificate's extended key usage is malformed");
            }
            if (Jdbc.count(c, "SELECT COUNT(*) FROM approved_tsa WHERE url = ?", checkedUrl) > 0) {
                throw RegistryException.conflict("a TSA at " + checkedUrl + " is already approved");
            }
            long id = Jdbc.insert(c, "INSERT INTO approved_tsa (name, url, certificate, created_at) VALUES (?, ?, ?, ?)",
                    cert.getSubjectX500Principal().getName(), checkedUrl, der(cert), changes.clock().instant());
            return findTsa(c, id).orElseThrow();
        });
    }

    public TsaView updateTsa(Actor actor, long id, String url) throws RegistryException {
        return changes.apply(actor, "tsa.update", String.valueOf(id), c -> {
            String checkedUrl = url("url", url);
            if (Jdbc.update(c, "UPDATE approved_tsa SET url = ? WHERE id = ?", checkedUrl, id) == 0) {
                throw RegistryException.notFound("no approved TSA " + id);
            }
            return findTsa(c, id).orElseThrow();
        });
    }

    public void deleteTsa(Actor actor, long id) throws RegistryException {
        changes.apply(actor, "tsa.delete", String.valueOf(id), c -> {
            if (Jdbc.update(c, "DELETE FROM approved_tsa WHERE id = ?", id) == 0) {
                throw RegistryException.notFound("no approved TSA " + id);
            }
            return null;
        });
    }

    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash certificate", e);
        }
    }

    private static X509Certificate certificate(String pem) throws RegistryException {
        if (pem == null || pem.isBlank()) {
            throw RegistryException.badRequest("certificate is missing; expected a PEM certificate");
        }
        try {
            return Pem.certificate(pem);
        } catch (CertificateException | IllegalArgumentException e) {
            throw RegistryException.badRequest("certificate is not a PEM X.509 certificate: " + e.getMessage());
        }
    }

    private static String url(String field, String value) throws RegistryException {
        String text = Validation.text(field, value, 2000);
        try {
            return ConfigValues.httpUrl(text).toString();
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest(field + " '" + text + "' is not " + e.getMessage());
        }
    }

    private static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<CaView> findCa(Connection c, String id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, name, certificate, ocsp_url FROM approved_ca WHERE id = ?", TrustAnchors::ca, id);
    }

    private static Optional<TsaView> findTsa(Connection c, long id) throws SQLException {
        return Jdbc.queryOne(c, "SELECT id, name, url, certificate FROM approved_tsa WHERE id = ?", TrustAnchors::tsa, id);
    }

    private static CaView ca(java.sql.ResultSet r) throws SQLException {
        return new CaView(r.getString(1), r.getString(2), pem(r.getBytes(3)), r.getString(4));
    }

    private static TsaView tsa(java.sql.ResultSet r) throws SQLException {
        return new TsaView(r.getLong(1), r.getString(2), r.getString(3), pem(r.getBytes(4)));
    }

    private static String pem(byte[] der) {
        try {
            return Pem.encode(Pem.certificate(der));
        } catch (CertificateException e) {
            throw new IllegalStateException("stored certificate cannot be read", e);
        }
    }
}
