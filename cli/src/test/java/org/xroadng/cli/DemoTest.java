package org.xroadng.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.UnknownHostException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoLock;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.SampleExchange;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * {@code xroad demo} end to end, in-process on free loopback ports: it reaches {@code ready}, the
 * curl commands it prints give the tax board the citizen and refuse the bank, network.json has the
 * shape of DESIGN.md section 8, and a second run on the same data directory reaches {@code ready}
 * again without filing anything new at the registry.
 */
class DemoTest {

    private static final String READY = "ready";

    @TempDir
    Path dir;

    private final CliRunner cli = new CliRunner(Map.of());
    private final HttpClient http = HttpClient.newHttpClient();
    private RunningDemo running;
    private String lastOutput = "";

    @AfterEach
    void stopDemo() throws InterruptedException {
        stop();
    }

    @Test
    void demo_enrolsAnswersCurlAndRestartsWithoutReEnrolling() throws IOException, InterruptedException, JsonProcessingException {
        int base = RunningDemo.freeBasePort();
        Path data = dir.resolve("demo-data");

        StringWriter first = start(base, data);

        JsonNode network = ProtocolJson.mapper().readTree(Files.readString(data.resolve("network.json")));
        assertNetworkShape(network, base, data);
        List<String> curls = curlCommands(first.toString());
        assertEquals(3, curls.size(), first.toString());
        assertTrue(first.toString().contains("a record is verified once 2 of these 3 cosigned its checkpoint"),
                first.toString());
        assertTrue(first.toString().contains("the demo's ombudsman / thanh tra của mạng demo:"
                + " ombudsman.demo.example/witness+"), first.toString());
        assertTrue(first.toString().contains("a university / một trường đại học: university.demo.example/witness+"),
                first.toString());
        assertTrue(first.toString().contains(String.format("  %-43s %s", "witness of a university",
                "http://127.0.0.1:" + (base + 12))), first.toString());
        String tax = command(curls, "DEMO/GOV/1002/tax", "EE38001010001");
        String unknown = command(curls, "DEMO/GOV/1002/tax", "EE00000000000");
        String bank = command(curls, "DEMO/COM/2001/loans", "EE38001010001");
        assertTrue(tax.contains("http://127.0.0.1:" + (base + 2) + "/r1/DEMO/GOV/1001/population/person/EE38001010001"), tax);

        String allowed = curl(tax);
        assertEquals(200, status(allowed), allowed);
        assertTrue(allowed.contains("\"personalCode\":\"EE38001010001\""), allowed);
        assertTrue(allowed.contains("Maasikas"), allowed);
        assertEquals(404, status(curl(unknown)));
        String refused = curl(bank);
        assertEquals(500, status(refused), refused);
        assertTrue(refused.toLowerCase().contains("x-road-error: server.serverproxy.accessdenied"), refused);
        assertTrue(refused.contains("\"type\":\"Server.ServerProxy.AccessDenied\""), refused);

        Map<String, String> exported = exports(first.toString());
        assertEquals(network.path("registry").path("url").asText(), exported.get("XROAD_REGISTRY_URL"), first.toString());
        assertEquals(Set.of("XROAD_REGISTRY_URL", "XROAD_API_KEY", "XROAD_ADMIN_URL", "XROAD_ADMIN_KEY", "XROAD_PIN",
                "XROAD_INSPECTOR_KEY"), exported.keySet());
        assertEquals(network.path("inspector").path("apiKey").asText(), exported.get("XROAD_INSPECTOR_KEY"),
                "the population registry server's inspector's key, as network.json has it");
        CliRunner.Run filed = new CliRunner(exported).run("registry", "requests", "list");
        assertEquals(0, filed.exitCode(), filed.out() + filed.err());
        assertTrue(filed.out().contains("authCertReg"), filed.out());
        CliRunner.Run services = new CliRunner(exported).run("server", "service", "list");
        assertEquals(0, services.exitCode(), services.out() + services.err());
        assertTrue(services.out().contains("DEMO/GOV/1001/population/person"), services.out());
        assertEquals("demo-development-pin", exported.get("XROAD_PIN"));

        // the console lines: each address answers, and its first user signs in with the printed password
        JsonNode registryConsole = network.path("registry").path("console");
        assertEquals("http://127.0.0.1:" + (base + 1) + "/", registryConsole.path("url").asText(), network.toString());
        assertEquals("registrar", registryConsole.path("user").asText());
        assertTrue(first.toString().contains("registry console (user registrar, role admin"), first.toString());
        List<JsonNode> consoles = new ArrayList<>(List.of(registryConsole));
        List<String> names = new ArrayList<>(List.of("central registry"));
        network.path("servers").forEach(server -> {
            consoles.add(server.path("console"));
            names.add(server.path("id").asText());
        });
        for (int i = 0; i < consoles.size(); i++) {
            JsonNode console = consoles.get(i);
            String line = String.format("  %-28s %s  password %s", names.get(i), console.path("url").asText(),
                    console.path("password").asText());
            assertTrue(first.toString().contains(line), "printed: " + line + "\n" + first);
            assertEquals(200, consoleSignIn(console), names.get(i) + ": " + console);
        }

        // a second demo on the same directory while this one runs: named as in use, whatever its ports
        CliRunner.Run inUse = cli.run("demo", "--base-port", String.valueOf(base), "--data-dir", data.toString());
        assertEquals(1, inUse.exitCode(), inUse.out() + inUse.err());
        assertTrue(inUse.err().contains("the data directory " + data.toAbsolutePath().normalize() + " is in use by a"
                + " demo that is running (process " + ProcessHandle.current().pid() + ", ports " + base + ".."
                + (base + DemoPorts.SPAN - 1) + "); stop that demo"), inUse.err());
        assertFalse(inUse.err().contains("is not free"), inUse.err());

        int logged = 0;
        StringBuilder scraped = new StringBuilder();
        for (JsonNode server : network.path("servers")) {
            // Unauthenticated, for load balancers: both servers can take exchanges.
            java.net.http.HttpResponse<String> health = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create(server.path("admin").asText() + "/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertEquals("{\"status\":\"UP\",\"problems\":[],\"checks\":{\"messagePath\":\"UP\",\"database\":\"UP\","
                    + "\"globalConfiguration\":\"UP\",\"ocsp\":\"UP\",\"messageLog\":\"UP\",\"timestamping\":\"UP\","
                    + "\"accessLog\":\"UP\"},\"warnings\":[]}", health.body(), "certificates valid a year: no warning");
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create(server.path("admin").asText() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(metrics.body().contains("xroad_server_problems 0.0"), metrics.body());
            scraped.append(metrics.body()).append('\n');
            assertTrue(metrics.body().matches("(?s).*\\nxroad_global_configuration_expiry_seconds [1-9].*"),
                    metrics.body());
            assertTrue(metrics.body().contains("xroad_timestamp_failing_seconds 0.0"), metrics.body());
            // Certificates issued minutes ago, valid for months at least; OCSP responses fetched at start.
            double expiry = gauge(metrics.body(), "xroad_certificate_expiry_seconds");
            assertTrue(expiry > 30 * 86400 && expiry < 3650 * 86400, "certificate expiry in " + expiry + " s");
            double ocspAge = gauge(metrics.body(), "xroad_ocsp_response_age_seconds");
            assertTrue(ocspAge >= 0 && ocspAge < 3600, "OCSP response age " + ocspAge + " s");
            assertTrue(metrics.body().contains("xroad_message_log_journal_segments 1.0"), metrics.body());
            assertTrue(metrics.body().matches("(?s).*xroad_message_log_journal_bytes [1-9].*"), metrics.body());
            assertTrue(metrics.body().matches("(?s).*\\nxroad_message_log_groups_total [0-9].*"), metrics.body());
            // A server that logged an exchange above counts its group (the bank's refused one reached no log of its own).
            if (metrics.body().matches("(?s).*\\nxroad_message_log_grouped_exchanges_total [1-9].*")) {
                logged++;
                assertTrue(metrics.body().matches("(?s).*\\nxroad_message_log_groups_total [1-9].*"), metrics.body());
            }
        }
        assertTrue(logged >= 1, "the exchanges above were logged, in groups, by the servers they passed");

        URI registry = URI.create(network.path("registry").path("url").asText());
        String apiKey = network.path("registry").path("apiKey").asText();
        long requests = managementRequests(registry, apiKey);
        assertEquals(6, requests, "two authCertReg and four clientReg");

        // The registry's and the trust services' own metrics, on their listeners.
        String registryMetrics = get(URI.create(registry + "/metrics"));
        assertTrue(gauge(registryMetrics, "xroad_registry_global_configuration_version") >= 1, registryMetrics);
        assertTrue(gauge(registryMetrics, "xroad_registry_global_configuration_expiry_seconds") > 0, registryMetrics);
        assertEquals(0.0, gauge(registryMetrics, "xroad_registry_pending_management_requests"), registryMetrics);
        assertTrue(registryMetrics.contains("xroad_http_requests_total{component=\"registry\",method=\"GET\""),
                registryMetrics);
        String trustMetrics = get(URI.create(network.path("trust").path("url").asText() + "/metrics"));
        assertTrue(trustMetrics.matches("(?s).*\\nxroad_http_requests_total\\{component=\"trust\",method=\"POST\","
                + "route=\"/ocsp\",status=\"200\"} [1-9].*"), trustMetrics);
        // The trust services answered the servers' OCSP requests at start and the CA certified their auth keys.
        assertTrue(trustMetrics.matches("(?s).*\\nxroad_ocsp_certificate_statuses_total\\{status=\"good\"} [1-9].*"),
                trustMetrics);
        assertTrue(gauge(trustMetrics, "xroad_ca_certificates_issued_total{profile=\"auth\"}") >= 2, trustMetrics);
        assertTrue(registryMetrics.contains("\nxroad_registry_global_configuration_failures_total 0.0\n"),
                registryMetrics);
        // Every metric the documented alert rules and dashboards use is exported by the components they
        // watch (a counter of errors appears once an error happened: the demo's refused query above made one).
        assertEquals(List.of(), MonitoringDocs.missingMetrics(Path.of("..", "docs", "monitoring"),
                Map.of(MonitoringDocs.Component.SECURITY_SERVER, scraped.toString(),
                        MonitoringDocs.Component.REGISTRY, registryMetrics,
                        MonitoringDocs.Component.TRUST, trustMetrics)),
                "docs/monitoring uses these metrics, which the components they watch do not export");

        stop();
        assertTrue(lastOutput.contains("demo network stopped"), lastOutput);

        StringWriter second = start(base, data);

        assertTrue(second.toString().contains("enrolment: 0 steps done now"), second.toString());
        assertEquals(requests, managementRequests(registry, apiKey), "the second run files no management request");
        assertEquals(curls, curlCommands(second.toString()), "same ports, same commands");
        assertEquals(200, status(curl(tax)));
        JsonNode again = ProtocolJson.mapper().readTree(Files.readString(data.resolve("network.json")));
        assertEquals(apiKey, again.path("registry").path("apiKey").asText());
        assertEquals(network.path("servers").get(1).path("console"), again.path("servers").get(1).path("console"),
                "the first console user is made once and kept");
    }

    @Test
    void readme_showsTheCurlCommandsTheDemoPrintsWithDefaultPorts() throws IOException {
        String readme = Documentation.read();
        URI clientProxy = DemoPorts.http(new DemoPorts(DemoPorts.DEFAULT_BASE).consumerClientProxy());

        for (SampleExchange exchange : SampleExchange.ALL) {
            assertTrue(readme.contains(exchange.curl(clientProxy)), "the documentation lacks " + exchange.curl(clientProxy));
        }
        DemoPorts ports = new DemoPorts(DemoPorts.DEFAULT_BASE);
        String token = org.xroadng.cli.demo.DemoPortal.tokenCommand(DemoPorts.http(ports.identityProvider()),
                org.xroadng.cli.demo.DemoCast.CITIZEN);
        String events = org.xroadng.cli.demo.DemoPortal.eventsCommand(DemoPorts.http(ports.portal()));
        assertTrue(readme.contains(token), "the documentation lacks " + token);
        assertTrue(readme.contains(events), "the documentation lacks " + events);
    }

    @Test
    void help_namesEveryPortAndComponentTheDemoStarts() {
        CliRunner.Run run = cli.run("demo", "--help");

        assertEquals(0, run.exitCode(), run.err());
        String help = run.out().replaceAll("\\s+", " ");
        assertTrue(help.contains("P+9 citizen portal, P+10 development identity provider"), help);
        assertTrue(help.contains("First of the " + DemoPorts.SPAN + " consecutive loopback ports"), help);
        assertFalse(help.contains("not part of the demo yet"), help);
    }

    @Test
    void secondRunWithAnotherBasePort_isRefusedNamingTheFirst() throws InterruptedException {
        int base = RunningDemo.freeBasePort();
        Path data = dir.resolve("demo-data");
        start(base, data);
        stop();

        int other = RunningDemo.freeBasePort();
        while (other == base) {
            other = RunningDemo.freeBasePort();
        }

        CliRunner.Run run = cli.run("demo", "--base-port", String.valueOf(other), "--data-dir", data.toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("--base-port " + base), run.err());
    }

    @Test
    void dataDirectoryInUse_isRefusedSayingSo_evenOnOtherPorts_andNothingInItChanges() throws IOException,
            DemoException {
        Path data = Files.createDirectories(dir.resolve("in-use"));
        Files.writeString(data.resolve("demo-state.json"), "{}");
        DemoPorts holderPorts = new DemoPorts(RunningDemo.freeBasePort());
        try (DemoLock held = DemoLock.acquire(data, holderPorts)) {
            Map<Path, String> before = tree(data);
            int other = RunningDemo.freeBasePort();

            CliRunner.Run run = cli.run("demo", "--base-port", String.valueOf(other), "--data-dir", data.toString());

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("is in use by a demo that is running (process "
                    + ProcessHandle.current().pid() + ", ports " + holderPorts.base() + ".." + holderPorts.last()
                    + "); stop that demo (Ctrl-C in its terminal) or give this one another --data-dir"), run.err());
            assertFalse(run.err().contains("--base-port"), run.err());
            assertEquals(before, tree(data), "nothing in the directory changed");
        }
        try (DemoLock again = DemoLock.acquire(data, holderPorts)) {
            assertTrue(Files.readString(data.resolve(DemoLock.FILE)).startsWith("process "), "released, taken again");
        }
    }

    @Test
    void dataDirectoryLockedByAnotherProcess_isRefusedNamingIt_untilThatProcessEnds() throws IOException,
            InterruptedException, DemoException {
        Path data = Files.createDirectories(dir.resolve("other-process"));
        int holderBase = RunningDemo.freeBasePort();
        String javaCommand = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("no java"));
        Process holder = new ProcessBuilder(javaCommand, "-cp", java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getClassPath(), DemoLockHolder.class.getName(), data.toString(), String.valueOf(holderBase))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertEquals("held", first);
            Map<Path, String> before = tree(data);

            CliRunner.Run run = cli.run("demo", "--base-port", String.valueOf(RunningDemo.freeBasePort()),
                    "--data-dir", data.toString());

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("is in use by a demo that is running (process " + holder.pid() + ", ports "
                    + holderBase + ".." + (holderBase + DemoPorts.SPAN - 1) + ")"), run.err());
            assertEquals(before, tree(data), "nothing in the directory changed");
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the holder ends");
        }
        try (DemoLock free = DemoLock.acquire(data, new DemoPorts(holderBase))) {
            assertTrue(Files.readString(data.resolve(DemoLock.FILE)).startsWith("process "
                    + ProcessHandle.current().pid() + ","), "the lock ended with its process");
        }
    }

    /** Every file under {@code root} with its size and modification time. */
    private static Map<Path, String> tree(Path root) throws IOException {
        Map<Path, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p), Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    /** Signs in to a console as network.json names it; answers the status of the page it then shows. */
    private static int consoleSignIn(JsonNode console) throws IOException, InterruptedException {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        URI url = URI.create(console.path("url").asText());
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(url.resolve("/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(login.body());
        assertTrue(csrf.find(), login.body());
        String form = "csrf=" + enc(csrf.group(1)) + "&method=password&user=" + enc(console.path("user").asText())
                + "&password=" + enc(console.path("password").asText());
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(url.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        assertEquals("/", signedIn.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(page.body().contains(console.path("user").asText()), page.body());
        return page.statusCode();
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void baseWithoutRoomForTenPorts_isRefused() {
        CliRunner.Run run = cli.run("demo", "--base-port", "65530", "--data-dir", dir.resolve("d").toString());

        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("base port 65530 leaves no room"), run.err());
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void takenWitnessPort_isNamedAndNothingIsCreated() throws IOException, UnknownHostException {
        int base = RunningDemo.freeBasePort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), base + 12));

            CliRunner.Run run = cli.run("demo", "--base-port", String.valueOf(base), "--data-dir",
                    dir.resolve("w").toString());

            assertEquals(1, run.exitCode());
            assertTrue(run.err().contains("port " + (base + 12) + " (the university's witness) is not free"), run.err());
            assertFalse(Files.exists(dir.resolve("w")));
        }
    }

    @Test
    void takenPort_isNamedAndNothingIsCreated() throws IOException, UnknownHostException {
        int base = RunningDemo.freeBasePort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), base + 1));

            CliRunner.Run run = cli.run("demo", "--base-port", String.valueOf(base), "--data-dir",
                    dir.resolve("d").toString());

            assertEquals(1, run.exitCode());
            assertTrue(run.err().contains("port " + (base + 1) + " (central registry) is not free"), run.err());
            assertFalse(Files.exists(dir.resolve("d")));
        }
    }

    private StringWriter start(int base, Path data) throws InterruptedException {
        running = RunningDemo.start(cli, base, data);
        StringWriter out = new StringWriter();
        out.write(running.output());
        return out;
    }

    private void stop() throws InterruptedException {
        if (running != null) {
            running.stop();
            lastOutput = running.output();
            running = null;
        }
    }

    /** The variables the demo's printed {@code export} lines set, as a shell would. */
    private static Map<String, String> exports(String output) {
        Map<String, String> variables = new java.util.TreeMap<>();
        output.lines().map(String::strip).filter(l -> l.startsWith("export ")).forEach(line -> {
            for (String assignment : line.substring("export ".length()).split(" ")) {
                int equals = assignment.indexOf('=');
                variables.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        });
        return variables;
    }

    private static void assertNetworkShape(JsonNode network, int base, Path data) {
        String host = "http://127.0.0.1:";
        assertEquals("DEMO", network.path("instance").asText());
        assertTrue(Files.isRegularFile(Path.of(network.path("anchor").asText())), network.toString());
        assertTrue(Path.of(network.path("anchor").asText()).startsWith(data.toAbsolutePath()), network.toString());
        JsonNode trust = network.path("trust");
        assertEquals(host + base, trust.path("url").asText());
        assertEquals(host + base + "/ocsp", trust.path("ocsp").asText());
        assertEquals(host + base + "/tsa", trust.path("tsa").asText());
        assertTrue(Files.isRegularFile(Path.of(trust.path("caCertificate").asText())), trust.toString());
        assertEquals(host + (base + 1), network.path("registry").path("url").asText());
        assertTrue(network.path("registry").path("apiKey").asText().startsWith("xrk_"), network.toString());
        JsonNode servers = network.path("servers");
        assertEquals(2, servers.size(), servers.toString());
        assertServer(servers.get(0), "DEMO/GOV/1002/ss1", base + 2,
                List.of("DEMO/GOV/1002/tax", "DEMO/COM/2001/loans", "DEMO/GOV/1000/portal"));
        assertServer(servers.get(1), "DEMO/GOV/1001/ss1", base + 5, List.of("DEMO/GOV/1001/population"));
        assertEquals(host + (base + 8), network.path("providerIs").asText());
        assertEquals(host + (base + 9), network.path("portal").path("url").asText(), network.toString());
        assertEquals(host + (base + 10), network.path("portal").path("identityProvider").asText(), network.toString());
        assertEquals("EE38001010001", network.path("citizen").path("personalCode").asText());
    }

    private static void assertServer(JsonNode server, String id, int firstPort, List<String> clients) {
        assertEquals(id, server.path("id").asText());
        assertEquals("http://127.0.0.1:" + firstPort, server.path("clientProxy").asText());
        assertEquals("https://127.0.0.1:" + (firstPort + 1), server.path("serverProxy").asText());
        assertEquals("http://127.0.0.1:" + (firstPort + 2), server.path("admin").asText());
        assertTrue(server.path("apiKey").asText().startsWith("xsk_"), server.toString());
        JsonNode console = server.path("console");
        assertEquals("http://127.0.0.1:" + (firstPort + 2) + "/", console.path("url").asText(), server.toString());
        assertEquals("operator", console.path("user").asText());
        assertTrue(console.path("password").asText().length() >= 16, "a generated password: " + console);
        List<String> listed = new ArrayList<>();
        server.path("clients").forEach(c -> listed.add(c.asText()));
        assertEquals(clients, listed);
    }

    private static List<String> curlCommands(String output) {
        return output.lines().map(String::strip).filter(line -> line.startsWith("curl ") && line.contains("/r1/")).toList();
    }

    private static String command(List<String> curls, String client, String personalCode) {
        return curls.stream().filter(c -> c.contains("X-Road-Client: " + client + "'") && c.endsWith("/" + personalCode))
                .findFirst().orElseThrow(() -> new AssertionError("no curl command for " + client + " " + personalCode
                        + " in " + curls));
    }

    private static String curl(String command) throws IOException, InterruptedException {
        return RunningDemo.sh(command);
    }

    private static int status(String curlOutput) {
        String statusLine = curlOutput.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ");
        assertTrue(parts.length >= 2 && parts[0].startsWith("HTTP/"), curlOutput);
        return Integer.parseInt(parts[1]);
    }

    private long managementRequests(URI registry, String apiKey) throws IOException, InterruptedException, JsonProcessingException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registry + "/api/v1/management-requests"))
                .header("Authorization", "Bearer " + apiKey).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return ProtocolJson.mapper().readTree(response.body()).path("total").asLong();
    }

    /** The value of an unlabelled gauge in Prometheus text. */
    private static double gauge(String scrape, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
                + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), name + " in " + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return response.body();
    }
}
