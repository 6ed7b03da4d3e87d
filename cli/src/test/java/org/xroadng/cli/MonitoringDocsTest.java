package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check DemoTest runs against the running demo's metrics: a metric a rule or a dashboard uses
 * and its component does not export is named, and so is a file nobody listed; the documented
 * files all have expressions.
 */
class MonitoringDocsTest {

    private static final Path DOCS = Path.of("..", "docs", "monitoring");

    @TempDir
    Path dir;

    @Test
    void documentedFiles_allListedAndFullOfExpressions() throws IOException {
        for (String file : MonitoringDocs.FILES.keySet()) {
            assertTrue(Files.exists(DOCS.resolve(file)), file);
            assertTrue(MonitoringDocs.expressions(DOCS.resolve(file)).size() >= 5, file + " has rules or panels");
        }
        Set<String> registryDashboard = MonitoringDocs.metricsIn(MonitoringDocs.expressions(
                DOCS.resolve("registry-dashboard.json")));
        assertTrue(registryDashboard.containsAll(Set.of("xroad_registry_global_configuration_age_seconds",
                "xroad_ocsp_responses_total", "xroad_tsa_tokens_total", "xroad_ca_certificates_issued_total",
                "xroad_ca_certificate_expiry_seconds", "jvm_memory_used_bytes")), registryDashboard.toString());
    }

    @Test
    void metricNoComponentExports_isNamed() throws IOException {
        Files.writeString(dir.resolve("registry-alerts.yml"), """
                groups:
                  - name: x
                    rules:
                      - alert: A
                        expr: xroad_registry_pending_management_requests > 0
                      - alert: B
                        expr: increase(xroad_registry_renamed_total[5m]) > 0 and jvm_threads_live_threads > 1
                """);
        Files.writeString(dir.resolve("registry-dashboard.json"), """
                {"panels": [{"targets": [{"expr": "rate(xroad_tsa_tokens_total[1m])"}]},
                            {"targets": [{"expr": "xroad_registry_checkpoints_total"}]}]}
                """);
        Files.writeString(dir.resolve("witness-alerts.yml"), "groups: []\n");
        String registry = "# HELP x\nxroad_registry_pending_management_requests 0.0\njvm_threads_live_threads 30.0\n"
                + "xroad_registry_checkpoints_total{outcome=\"stored\"} 1.0\n";
        String trust = "xroad_tsa_tokens_total 4.0\n";

        List<String> findings = MonitoringDocs.missingMetrics(dir, Map.of(MonitoringDocs.Component.REGISTRY, registry,
                MonitoringDocs.Component.TRUST, trust));

        assertTrue(findings.contains("registry-alerts.yml: xroad_registry_renamed_total"), findings.toString());
        assertTrue(findings.contains("witness-alerts.yml: not checked (list it in MonitoringDocs.FILES with the"
                + " components it watches)"), findings.toString());
        assertTrue(findings.stream().noneMatch(f -> f.startsWith("registry-dashboard.json")), findings.toString());
        assertEquals(1, findings.stream().filter(f -> f.startsWith("registry-alerts.yml")).count(), findings.toString());
    }

    @Test
    void metricOfAnotherComponent_doesNotCount() throws IOException {
        Files.writeString(dir.resolve("trust-services-alerts.yml"),
                "      - alert: A\n        expr: xroad_registry_pending_management_requests > 0\n");

        List<String> findings = MonitoringDocs.missingMetrics(dir, Map.of(MonitoringDocs.Component.REGISTRY,
                "xroad_registry_pending_management_requests 0.0\n"));

        assertTrue(findings.contains("trust-services-alerts.yml: xroad_registry_pending_management_requests"),
                "the trust services' rules are checked against the trust services' metrics only: " + findings);
    }

    @Test
    void prefixOfAnExportedName_isNotTakenForIt() {
        assertTrue(MonitoringDocs.exports("xroad_tsa_tokens_total 1.0\n", "xroad_tsa_tokens_total"));
        assertTrue(MonitoringDocs.exports("a 1\nxroad_x{y=\"z\"} 1.0\n", "xroad_x"));
        assertFalse(MonitoringDocs.exports("xroad_tsa_tokens_total 1.0\n", "xroad_tsa_tokens"));
    }
}
