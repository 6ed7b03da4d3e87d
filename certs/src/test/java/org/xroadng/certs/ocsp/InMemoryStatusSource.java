package org.xroadng.certs.ocsp;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A CA database in a map, for tests. */
final class InMemoryStatusSource implements CertificateStatusSource {

    private final Map<BigInteger, IssuedStatus> statuses = new ConcurrentHashMap<>();

    InMemoryStatusSource issued(X509Certificate certificate) {
        statuses.put(certificate.getSerialNumber(), IssuedStatus.good());
        return this;
    }

    void revoke(X509Certificate certificate, Instant at, int reason) {
        statuses.put(certificate.getSerialNumber(), IssuedStatus.revoked(at, reason));
    }

    @Override
    public Optional<IssuedStatus> statusOf(BigInteger serialNumber) {
        return Optional.ofNullable(statuses.get(serialNumber));
    }
}
