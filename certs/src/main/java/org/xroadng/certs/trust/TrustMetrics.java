package org.xroadng.certs.trust;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.xroadng.certs.ca.CaException;
import org.xroadng.certs.ca.CertificateAuthority;
import org.xroadng.certs.ocsp.OcspResponderListener;
import org.xroadng.certs.profile.CertificateProfile;
import org.xroadng.certs.tsa.TsaListener;

/**
 * The trust services' own metrics (DESIGN.md section 9), beside the HTTP ones of
 * {@link org.xroadng.protocol.metrics.ComponentMetrics}:
 * <ul>
 *   <li>{@code xroad_ocsp_responses_total{status}}: OCSP answers by {@code OCSPResponseStatus}
 *       ({@code successful}, {@code malformedRequest}, {@code internalError}: the responder's key or
 *       the CA's database failed);
 *   <li>{@code xroad_ocsp_certificate_statuses_total{status}}: the single responses in them
 *       ({@code good}, {@code revoked}, {@code unknown});
 *   <li>{@code xroad_ocsp_response_seconds}: the time to build and sign an answer (percentiles);
 *   <li>{@code xroad_tsa_tokens_total}: time-stamp tokens granted; {@code xroad_tsa_rejections_total{fail_info}}:
 *       requests rejected, by RFC 3161 failInfo ({@code systemFailure} is the TSA's own failure,
 *       the others a client's bad request); {@code xroad_tsa_response_seconds};
 *   <li>{@code xroad_ca_certificates_issued_total{profile}} and
 *       {@code xroad_ca_certificates_revoked_total{profile}} ({@code sign}, {@code auth}): read from
 *       the CA's database at each scrape, so they count what an operator's {@code xroad ca issue}
 *       did too; NaN when the database cannot be read;
 *   <li>{@code xroad_ca_certificate_expiry_seconds{certificate}}: until the CA's own certificates
 *       expire ({@code ca}, {@code ocsp}, {@code tsa}): past it nothing the CA vouches for verifies.
 * </ul>
 */
public final class TrustMetrics implements OcspResponderListener, TsaListener {

    private final MeterRegistry registry;
    private final Map<OcspResponderListener.Refusal, Counter> refusals = new EnumMap<>(OcspResponderListener.Refusal.class);
    private final Map<CertStatus, Counter> statuses = new EnumMap<>(CertStatus.class);
    private final Counter successful;
    private final Timer ocspTime;
    private final Counter tokens;
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Timer tsaTime;
    /** Micrometer holds function counters' and gauges' sources weakly: these keep them. */
    private final List<Object> sources = new CopyOnWriteArrayList<>();

    /** Registers the OCSP and TSA meters on {@code registry}; {@link #watch} adds the CA's. */
    public TrustMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        successful = ocspResponses("successful");
        refusals.put(OcspResponderListener.Refusal.MALFORMED_REQUEST, ocspResponses("malformedRequest"));
        refusals.put(OcspResponderListener.Refusal.INTERNAL_ERROR, ocspResponses("internalError"));
        for (CertStatus status : CertStatus.values()) {
            statuses.put(status, Counter.builder("xroad_ocsp_certificate_statuses")
                    .description("single responses in the OCSP answers, by certificate status")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        ocspTime = Timer.builder("xroad_ocsp_response_seconds").description("time to build and sign an OCSP answer")
                .publishPercentiles(0.5, 0.99).register(registry);
        tokens = Counter.builder("xroad_tsa_tokens").description("time-stamp tokens granted").register(registry);
        rejection("systemFailure");
        tsaTime = Timer.builder("xroad_tsa_response_seconds").description("time to answer a time-stamp request")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    private Counter ocspResponses(String status) {
        return Counter.builder("xroad_ocsp_responses").description("OCSP answers, by OCSPResponseStatus")
                .tag("status", status).register(registry);
    }

    private Counter rejection(String failInfo) {
        return rejections.computeIfAbsent(failInfo, f -> Counter.builder("xroad_tsa_rejections")
                .description("time-stamp requests rejected, by failInfo (systemFailure: the TSA failed)")
                .tag("fail_info", f).register(registry));
    }

    /** Adds the CA's meters: its certificates issued and revoked, and its own certificates' expiry. */
    public void watch(CertificateAuthority ca, Clock clock) {
        for (CertificateProfile profile : CertificateProfile.values()) {
            String code = profile.code();
            countFromDatabase("xroad_ca_certificates_issued", "certificates this CA issued", code,
                    ca, counts -> counts.issued().getOrDefault(code, 0L));
            countFromDatabase("xroad_ca_certificates_revoked", "certificates this CA issued and revoked", code,
                    ca, counts -> counts.revoked().getOrDefault(code, 0L));
        }
        Map<String, X509Certificate> own = Map.of("ca", ca.caCertificate(), "ocsp", ca.ocspCertificate(),
                "tsa", ca.tsaCertificate());
        own.forEach((name, certificate) -> Gauge.builder("xroad_ca_certificate_expiry_seconds",
                        () -> Duration.between(clock.instant(), certificate.getNotAfter().toInstant()).toMillis() / 1000.0)
                .description("seconds until the CA's own certificate expires (ca, ocsp, tsa)")
                .tag("certificate", name).register(registry));
    }

    private void countFromDatabase(String name, String description, String profile, CertificateAuthority ca,
                                   ToDoubleFunction<CertificateAuthority.IssuedCounts> count) {
        Supplier<Double> value = () -> {
            try {
                return count.applyAsDouble(ca.counts());
            } catch (CaException | RuntimeException e) {
                return Double.NaN;
            }
        };
        sources.add(value);
        FunctionCounter.builder(name, value, Supplier::get).description(description)
                .tag("profile", profile).register(registry);
    }

    @Override
    public void answered(List<CertStatus> certificateStatuses, long nanos) {
        successful.increment();
        certificateStatuses.forEach(status -> statuses.get(status).increment());
        ocspTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refused(OcspResponderListener.Refusal refusal, long nanos) {
        refusals.get(refusal).increment();
        ocspTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void granted(long nanos) {
        tokens.increment();
        tsaTime.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void rejected(String failInfo, long nanos) {
        rejection(failInfo).increment();
        tsaTime.record(nanos, TimeUnit.NANOSECONDS);
    }
}
