package org.xroadng.securityserver.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
