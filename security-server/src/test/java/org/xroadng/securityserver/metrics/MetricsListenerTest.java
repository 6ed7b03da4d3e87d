package org.xroadng.securityserver.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xroadng.protocol.error.ErrorType;
import org.xroadng.securityserver.ExchangeListener.Side;

class MetricsListenerTest {

    @Test
    void exchangesErrorsAndSignatures_appearInPrometheusText() {
        MetricsListener metrics = new MetricsListener();
        metrics.exchangeCompleted(Side.CONSUMER, 200, 2_000_000);
        metrics.exchangeCompleted(Side.CONSUMER, 200, 3_000_000);
        metrics.exchangeFailed(Side.PROVIDER, ErrorType.SERVER_PROXY_ACCESS_DENIED, 1_000_000);
        metrics.signature(Side.CONSUMER, true);

        String text = metrics.scrape();

        assertTrue(text.contains("xroad_exchanges_total{outcome=\"ok\",side=\"consumer\"} 2.0"), text);
        assertTrue(text.contains("xroad_exchanges_total{outcome=\"refused\",side=\"provider\"} 1.0"), text);
        assertTrue(text.contains("xroad_exchange_errors_total{side=\"provider\",type=\"Server.ServerProxy.AccessDenied\"} 1.0"), text);
        assertTrue(text.contains("xroad_signatures_total{operation=\"sign\",side=\"consumer\"} 1.0"), text);
        assertTrue(text.contains("xroad_exchange_seconds_count{side=\"consumer\"} 2"), text);
        assertTrue(text.contains("quantile=\"0.99\""), text);
    }

    @Test
    void dataPlaneResources_appearInPrometheusText() {
        MetricsListener metrics = new MetricsListener();
        org.xroadng.securityserver.http.BodyBudget bodies = new org.xroadng.securityserver.http.BodyBudget(100);
        bodies.open().tryGrow(60);
        bodies.open().tryGrow(60);
        var resources = new org.xroadng.securityserver.DataPlane.ResourceStats(
                new org.xroadng.securityserver.http.ConnectionStats(), new org.xroadng.securityserver.http.ConnectionStats(),
                bodies, org.xroadng.securityserver.transport.TlsRefusalLog.toLogger(java.time.Clock.systemUTC()));
        metrics.dataPlane(() -> java.util.Optional.of(resources));

        String text = metrics.scrape();

        assertTrue(text.contains("xroad_body_bytes_in_flight 60.0"), text);
        assertTrue(text.contains("xroad_body_budget_refusals_total 1.0"), text);
        assertTrue(text.contains("xroad_proxy_connections_open{proxy=\"client\"} 0.0"), text);
        assertTrue(text.contains("xroad_proxy_connections_closed_idle_total{proxy=\"server\"} 0.0"), text);
        assertTrue(text.contains("xroad_tls_handshakes_refused_total 0.0"), text);
    }

    @Test
    void counters_keepReadingTheirSourceAfterAGarbageCollection() {
        MetricsListener metrics = new MetricsListener();
        long[] written = {3, 7};
        metrics.messageLogGroups(() -> new org.xroadng.securityserver.log.H2MessageLog.Groups(written[0], written[1]));
        for (int i = 0; i < 3; i++) {
            System.gc(); // Micrometer holds a function counter's state weakly
        }
        written[0] = 5;
        written[1] = 11;

        String text = metrics.scrape();

        assertTrue(text.contains("xroad_message_log_groups_total 5.0"), text);
        assertTrue(text.contains("xroad_message_log_grouped_exchanges_total 11.0"), text);
    }

    @Test
    void signerBatches_appearInPrometheusText_andNaNWithoutABatchSigner() {
        MetricsListener metrics = new MetricsListener();
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<
                org.xroadng.securityserver.message.BatchMessageSigner.Batches>> batches =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
        metrics.messageSigner(batches::get);

        assertTrue(metrics.scrape().contains("xroad_message_signer_signatures_total NaN"), metrics.scrape());

        batches.set(java.util.Optional.of(new org.xroadng.securityserver.message.BatchMessageSigner.Batches(4, 30)));
        String text = metrics.scrape();

        assertTrue(text.contains("xroad_message_signer_signatures_total 4.0"), text);
        assertTrue(text.contains("xroad_message_signer_messages_total 30.0"), text);
    }

    @Test
    void timestampingAndGlobalConfiguration_andTheJvm_appearInPrometheusText() {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");
        java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        try (MetricsListener metrics = new MetricsListener()) {
            metrics.timestamping(() -> java.util.OptionalLong.of(42), () -> java.util.Optional.of(now.minusSeconds(90)),
                    clock);
            metrics.globalConfiguration(() -> java.util.Optional.of(new org.xroadng.protocol.globalconf.GlobalConfiguration(
                    "DEMO", 7, now.minusSeconds(30), now.plusSeconds(570), List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), new org.xroadng.protocol.globalconf.GlobalConfiguration.Settings(600, 14_400))),
                    clock);
            metrics.batchStamped(new org.xroadng.securityserver.log.timestamp.TimestampBatch(1, new byte[32], 5, 1,
                    "http://tsa.example/tsa", new byte[] {48, 0}, now, now));
            metrics.stampingFailed(3, "TSA down");

            String text = metrics.scrape();

            assertTrue(text.contains("xroad_message_log_unstamped_records 42.0"), text);
            assertTrue(text.contains("xroad_timestamp_failing_seconds 90.0"), text);
            assertTrue(text.contains("xroad_timestamp_batches_total 1.0"), text);
            assertTrue(text.contains("xroad_timestamp_records_total 5.0"), text);
            assertTrue(text.contains("xroad_timestamp_failures_total 1.0"), text);
            assertTrue(text.contains("xroad_global_configuration_age_seconds 30.0"), text);
            assertTrue(text.contains("xroad_global_configuration_expiry_seconds 570.0"), text);
            assertTrue(text.contains("jvm_memory_used_bytes{area=\"heap\""), text);
            assertTrue(text.contains("jvm_threads_live_threads"), text);
            assertTrue(text.contains("process_uptime_seconds"), text);
        }
    }

    @Test
    void unreadableLagAndNoConfigurationYet_readNaN_andWorkingStampingReadsZero() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-06T10:00:00Z"),
                java.time.ZoneOffset.UTC);
        try (MetricsListener metrics = new MetricsListener()) {
            metrics.timestamping(java.util.OptionalLong::empty, java.util.Optional::empty, clock);
            metrics.globalConfiguration(java.util.Optional::empty, clock);

            String text = metrics.scrape();

            assertTrue(text.contains("xroad_message_log_unstamped_records NaN"), text);
            assertTrue(text.contains("xroad_timestamp_failing_seconds 0.0"), text);
            assertTrue(text.contains("xroad_global_configuration_expiry_seconds NaN"), text);
        }
    }

    @Test
    void ownCertificates_expiryAheadAndOcspAge_orNaNWhileUnknown() {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");
        java.time.Clock clock = java.time.Clock.fixed(now, java.time.ZoneOffset.UTC);
        try (MetricsListener known = new MetricsListener(); MetricsListener unknown = new MetricsListener()) {
            known.ownCertificates(() -> java.util.Optional.of(now.plus(java.time.Duration.ofDays(10))),
                    () -> java.util.Optional.of(now.minusSeconds(120)), clock);
            unknown.ownCertificates(java.util.Optional::empty, java.util.Optional::empty, clock);

            assertTrue(known.scrape().contains("xroad_certificate_expiry_seconds 864000.0"), known.scrape());
            assertTrue(known.scrape().contains("xroad_ocsp_response_age_seconds 120.0"), known.scrape());
            assertTrue(unknown.scrape().contains("xroad_certificate_expiry_seconds NaN"), unknown.scrape());
            assertTrue(unknown.scrape().contains("xroad_ocsp_response_age_seconds NaN"), unknown.scrape());
        }
    }
}
