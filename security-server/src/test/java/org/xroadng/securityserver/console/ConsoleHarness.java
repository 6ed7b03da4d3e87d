package org.xroadng.securityserver.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.xroadng.certs.MutableClock;
import org.xroadng.certs.TestPki;
import org.xroadng.certs.ca.CertificateKind;
import org.xroadng.certs.token.Pin;
import org.xroadng.certs.token.TokenException;
import org.xroadng.protocol.globalconf.Anchor;
import org.xroadng.protocol.globalconf.AnchorFile;
import org.xroadng.protocol.globalconf.GlobalConfiguration;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.id.SecurityServerId;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.SubsystemId;
import org.xroadng.securityserver.ServerException;
import org.xroadng.securityserver.ServerHome;
import org.xroadng.securityserver.ServerSettings;
import org.xroadng.securityserver.accesslog.CheckpointPublisher;
import org.xroadng.securityserver.admin.AccessDeniedException;
import org.xroadng.securityserver.admin.AdminApi;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Role;
import org.xroadng.securityserver.admin.ServerAdmin;
import org.xroadng.securityserver.conf.LocalClient;
import org.xroadng.securityserver.conf.ServerConfStore;
import org.xroadng.securityserver.description.DescriptionException;
import org.xroadng.securityserver.description.HttpDescriptionFetcher;
import org.xroadng.securityserver.log.H2MessageLog;
import org.xroadng.securityserver.metrics.MetricsListener;
import org.xroadng.securityserver.metrics.RecentExchanges;
import org.xroadng.securityserver.registration.Registration;
import org.xroadng.securityserver.registration.RegistrationException;

/**
 * A security server's admin port with the admin API and the console, over a real server home (H2
 * files, token, keys) with a clock the test moves; and a browser-like HTTP client that keeps one
 * session cookie and reads the CSRF token from the pages.
 */
final class ConsoleHarness implements AutoCloseable {

    static final Instant START = Instant.parse("2026-03-01T09:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final TestPki pki = TestPki.create(clock);
    final ServerHome home;
    final ServerAdmin admin;
    final HttpApiServer server;
    final String adminKey;

    /** Registration is not what these tests are about: it answers as a registry that accepts. */
    private static final class AcceptingRegistration implements Registration {
        @Override
        public Filed register() {
            return new Filed(1, "authCertReg", "pending");
        }

        @Override
        public Filed registerClient(SubsystemId client) {
            return new Filed(2, "clientReg", "pending");
        }

        @Override
        public Filed changeClient(String type, SubsystemId client) {
            return new Filed(3, type, "pending");
        }

        @Override
        public Filed deleteAuthCertificate(Optional<java.security.cert.X509Certificate> certificate) {
            return new Filed(4, "authCertDeletion", "pending");
        }

        @Override
        public Filed changeAddress(String address) {
            return new Filed(5, "addressChange", "pending");
        }

        @Override
        public Filed changeOwner(org.xroadng.protocol.id.MemberId newOwner) {
            return new Filed(6, "ownerChange", "pending");
        }
    }

    /** The global configuration the pages see; none until a test sets one. */
    volatile Optional<GlobalConfiguration> globalConfiguration = Optional.empty();

    /** The health checks the dashboard shows; by default the message path down. */
    volatile Map<String, Optional<String>> checks = Map.of("messagePath",
            Optional.of("the message path does not run: no authentication certificate"));
    volatile OptionalLong unstamped = OptionalLong.empty();
    volatile Optional<Instant> stampingFailingSince = Optional.empty();
    volatile Optional<CheckpointPublisher.Status> checkpoint = Optional.empty();
    /** The exchange counters the dashboard reads, fed by a test as the data plane would. */
    final MetricsListener metrics = new MetricsListener();
    /** Sampled by {@link #sampleExchanges}, as the running server's watcher does. */
    final RecentExchanges recent = new RecentExchanges();
    volatile Optional<H2MessageLog> messageLog = Optional.empty();
    volatile Optional<String> signedConfiguration = Optional.empty();

    /** What the pages read: whatever the test set above, with the counters' real last minute. */
    private final class Status implements ServerStatus {
        @Override
        public Optional<GlobalConfiguration> globalConfiguration() {
            return globalConfiguration;
        }

        @Override
        public Map<String, Optional<String>> checks() {
            return checks;
        }

        @Override
        public OptionalLong unstampedRecords() {
            return unstamped;
        }

        @Override
        public Optional<Instant> timestampingFailingSince() {
            return stampingFailingSince;
        }

        @Override
        public Optional<CheckpointPublisher.Status> checkpointStatus() {
            return checkpoint;
        }

        @Override
        public MetricsListener.ExchangeCounts exchanges() {
            return metrics.exchangeCounts();
        }

        @Override
        public Optional<RecentExchanges.Window> lastMinute() {
            return recent.lastMinute(clock.instant(), metrics.exchangeCounts());
        }

        @Override
        public Optional<H2MessageLog> messageLog() {
            return messageLog;
        }

        @Override
        public Optional<String> signedConfiguration() {
            return signedConfiguration;
        }
    }

    /** Samples the counters now, as the running server's watcher does every few seconds. */
    void sampleExchanges() {
        recent.sample(clock.instant(), metrics.exchangeCounts());
    }

    ConsoleHarness(Path dir, boolean secureCookies) throws IOException, ServerException, CertificateEncodingException {
        TestPki.Issued signing = pki.issue("conf", CertificateKind.CONFIGURATION_SIGN, List.of(), null);
        Path anchor = dir.resolve("anchor.json");
        AnchorFile.write(anchor, new Anchor("DEMO", URI.create("http://127.0.0.1:1/globalconf"),
                Base64.getEncoder().encodeToString(signing.cert().getEncoded())));
        ServerHome.Initialized created = ServerHome.init(dir.resolve("ss1"), ServerSettings.withDefaults(
                SecurityServerId.parse("DEMO/GOV/1001/ss1"), anchor), Pin.of("1234"), pki.bc, pki.random, clock);
        home = created.home();
        adminKey = created.adminKey().key();
        admin = new ServerAdmin(home.keys(), home.store(), new AcceptingRegistration(), home.adminKeys(),
                new HttpDescriptionFetcher(Duration.ofSeconds(5)));
        HttpApiServer.Builder builder = HttpApiServer.builder("console-test");
        new AdminApi(home.settings(), home.adminKeys(), admin, Optional::empty).addTo(builder);
        new OperatorConsole(admin, home.adminKeys(), new Status(), secureCookies, pki.random, clock).addTo(builder);
        server = builder.start();
    }

    @Override
    public void close() {
        server.close();
        home.close();
        metrics.close();
    }

    /** A browser: one cookie jar (session and language), no redirects followed. */
    final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        final Map<String, String> cookies = new LinkedHashMap<>();
        String acceptLanguage = "en";
        HttpResponse<String> last;

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(server.baseUri().resolve(path)).GET());
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return send(HttpRequest.newBuilder(server.baseUri().resolve(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            request.header("Accept-Language", acceptLanguage);
            if (!cookies.isEmpty()) {
                request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("; ")));
            }
            last = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            for (String set : last.headers().allValues("Set-Cookie")) {
                String pair = set.split(";")[0];
                int eq = pair.indexOf('=');
                String value = pair.substring(eq + 1);
                if (value.isEmpty()) {
                    cookies.remove(pair.substring(0, eq));
                } else {
                    cookies.put(pair.substring(0, eq), value);
                }
            }
            return last;
        }

        /** The CSRF token of the last page. */
        String csrf() {
            Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(last.body());
            if (!m.find()) {
                throw new AssertionError("no CSRF token in the page: " + last.body());
            }
            return m.group(1);
        }

        /** Signs in with a password; answers the sign-in POST's response. */
        HttpResponse<String> signIn(String user, String password) throws IOException, InterruptedException {
            get("/login");
            return post("/login", Map.of("csrf", csrf(), "method", "password", "user", user, "password", password));
        }

        /** Posts a form of the page at {@code page} with that page's CSRF token. */
        HttpResponse<String> submit(String page, String action, Map<String, String> fields)
                throws IOException, InterruptedException {
            get(page);
            Map<String, String> form = new LinkedHashMap<>(fields);
            form.put("csrf", csrf());
            return post(action, form);
        }
    }

    Browser browser() {
        return new Browser();
    }

    /** The password of every user {@link #addOperators} adds. */
    static final String PASSWORD = "correct horse battery";
    static final SubsystemId POPULATION = SubsystemId.parse("DEMO/GOV/1001/population");
    static final ServiceId PERSON = ServiceId.parse(POPULATION.format() + "/person");

    /**
     * One console user per role, each with {@link #PASSWORD} (alice service administrator, olga
     * observer, rita registration officer, sam system administrator, kim security officer), and the
     * client {@link #POPULATION} with its service {@link #PERSON}.
     */
    void addOperators() throws ServerException, AccessDeniedException, DescriptionException, RegistrationException,
            TokenException {
        ConsoleUsers users = home.adminKeys().users();
        users.add("alice", PASSWORD, EnumSet.of(Role.SERVICE_ADMINISTRATOR));
        users.add("olga", PASSWORD, EnumSet.of(Role.OBSERVER));
        users.add("rita", PASSWORD, EnumSet.of(Role.REGISTRATION_OFFICER));
        users.add("sam", PASSWORD, EnumSet.of(Role.SYSTEM_ADMINISTRATOR));
        users.add("kim", PASSWORD, EnumSet.of(Role.SECURITY_OFFICER));
        admin.addClient(Operator.SYSTEM, POPULATION, LocalClient.IsAuthentication.HTTP, List.of());
        admin.addService(Operator.SYSTEM, PERSON, URI.create("http://127.0.0.1:9/person"), 30, true);
    }

    /** A browser signed in as {@code user} (one of {@link #addOperators}'). */
    Browser signedIn(String user) throws IOException, InterruptedException {
        Browser browser = browser();
        HttpResponse<String> signIn = browser.signIn(user, PASSWORD);
        if (signIn.statusCode() != 303) {
            throw new AssertionError(user + " could not sign in: " + signIn.statusCode() + " " + signIn.body());
        }
        return browser;
    }

    /** The newest audit row of {@code action}. */
    ServerConfStore.AuditEntry lastAudit(String action) {
        return home.store().auditTrail(1, Optional.of(action)).get(0);
    }

    void advance(Duration by) {
        clock.advance(by);
    }
}
