package org.xroadng.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * The Prometheus alert rules and Grafana dashboards in docs/monitoring, and the check that every
 * metric they use is exported by the components they watch: each file is listed here with its
 * components, and a file that is not listed is itself a finding, so no new file goes unchecked.
 */
final class MonitoringDocs {

    /** A component whose {@code GET /metrics} the documented files watch. */
    enum Component {
        SECURITY_SERVER, REGISTRY, TRUST
    }

    /** Each file in docs/monitoring and the components whose metrics it may use. */
    static final Map<String, Set<Component>> FILES = Map.of(
            "security-server-alerts.yml", Set.of(Component.SECURITY_SERVER),
            "security-server-dashboard.json", Set.of(Component.SECURITY_SERVER),
            "registry-alerts.yml", Set.of(Component.REGISTRY),
            "trust-services-alerts.yml", Set.of(Component.TRUST),
            "registry-dashboard.json", Set.of(Component.REGISTRY, Component.TRUST));

    private static final Pattern METRIC = Pattern.compile("\\b(?:xroad|jvm|process|system)_[a-z_]+\\b");
    private static final Pattern RULE = Pattern.compile("(?m)^\\s*expr: (.*)$");

    private MonitoringDocs() {
    }

    /**
     * What is wrong, one line each, as {@code "registry-alerts.yml: xroad_foo"} (a metric no
     * component it watches exports), {@code "x.yml: not checked"} (a file {@link #FILES} does not
     * list) or {@code "x.yml: no expressions"}; empty when all is well. {@code scrapes} holds each
     * component's metrics in the Prometheus text format (several servers' concatenated).
     */
    static List<String> missingMetrics(Path dir, Map<Component, String> scrapes) throws IOException {
        List<String> findings = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".json")).sorted()
                    .toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            Set<Component> watched = FILES.get(name);
            if (watched == null) {
                findings.add(name + ": not checked (list it in MonitoringDocs.FILES with the components it watches)");
                continue;
            }
            List<String> expressions = expressions(file);
            if (expressions.isEmpty()) {
                findings.add(name + ": no expressions");
            }
            StringBuilder exported = new StringBuilder();
            watched.forEach(c -> exported.append('\n').append(scrapes.getOrDefault(c, "")).append('\n'));
            for (String metric : metricsIn(expressions)) {
                if (!exports(exported.toString(), metric)) {
                    findings.add(name + ": " + metric);
                }
            }
        }
        for (String listed : FILES.keySet()) {
            if (files.stream().noneMatch(f -> f.getFileName().toString().equals(listed))) {
                findings.add(listed + ": listed but missing from " + dir);
            }
        }
        return findings;
    }

    /** The PromQL expressions of an alert rules file ({@code expr:} lines) or a dashboard (panel targets). */
    static List<String> expressions(Path file) throws IOException {
        String text = Files.readString(file);
        List<String> expressions = new ArrayList<>();
        if (file.toString().endsWith(".json")) {
            JsonNode dashboard = ProtocolJson.mapper().readTree(text);
            for (JsonNode panel : dashboard.path("panels")) {
                panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
            }
        } else {
            Matcher rule = RULE.matcher(text);
            while (rule.find()) {
                expressions.add(rule.group(1));
            }
        }
        return expressions;
    }

    /** The metric names ({@code xroad_}, {@code jvm_}, {@code process_}, {@code system_}) the expressions use. */
    static Set<String> metricsIn(List<String> expressions) {
        Set<String> metrics = new TreeSet<>();
        for (String expression : expressions) {
            Matcher name = METRIC.matcher(expression);
            while (name.find()) {
                metrics.add(name.group());
            }
        }
        return metrics;
    }

    /** Whether a sample of {@code metric} (with or without labels) is in the Prometheus text. */
    static boolean exports(String scrape, String metric) {
        return Pattern.compile("(?m)^" + Pattern.quote(metric) + "[{ ]").matcher(scrape).find();
    }
}
