package org.xroadng.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xroadng.cli.demo.DemoCast;
import org.xroadng.cli.demo.DemoException;
import org.xroadng.cli.demo.DemoNetwork;
import org.xroadng.cli.demo.DemoPorts;
import org.xroadng.cli.demo.DemoServer;
import org.xroadng.cli.demo.Progress;
import org.xroadng.cli.demo.SampleExchange;
import org.xroadng.protocol.json.ProtocolJson;

/**
 * Every page of both operator consoles (the registry's and a security server's, signed in as the
 * demo's first user, who may see every page) and of the citizen portal, in Vietnamese and English,
 * as the demo serves them, passes {@link PageAccessibility}: labels, language, title, landmarks,
 * names of buttons and links. The consoles' pages are found by following their links from the
 * overview, so a page added to a menu is checked without changing this test.
 */
class AccessibilityTest {

    private static final Pattern LINK = Pattern.compile("href=\"(/[^\"#]*)\"");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final int MAX_PAGES = 80;

    @TempDir
    Path dir;

    @Test
    void checker_reportsWhatItLooksFor() {
        String bad = "<!DOCTYPE html><html lang=\"en\"><head></head><body><form><input name=\"q\" id=\"q\">"
                + "<select name=\"s\"></select><button type=\"submit\"></button><a href=\"/x\"></a>"
                + "<img src=\"i.png\"><a href=\"#nowhere\">skip</a><p id=\"d\"></p><p id=\"d\"></p>"
                + "<input name=\"t\" aria-describedby=\"gone\" aria-label=\"T\"><a href=\"/y\" tabindex=\"3\">y</a>"
                + "</form></body></html>";
        List<String> problems = PageAccessibility.ofPage(bad, "vi");
        for (String expected : List.of("<html lang=\"en\"> on a page served in vi", "one non-empty <title>",
                "one <main> landmark", "<input name=\"q\" id=\"q\"> has no label", "<select name=\"s\"",
                "<button id=\"null\"> has no text", "<a id=\"null\"> has no text", "<img src=\"i.png\"> has no alt",
                "link to #nowhere points at no element", "id \"d\" is used more than once",
                "aria-describedby=\"gone\" names no element gone", "<a tabindex=\"3\"> changes the keyboard order")) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), expected + " in " + problems);
        }
        String good = "<!DOCTYPE html><html lang=\"vi\"><head><title>T</title></head><body>"
                + "<a class=\"skip\" href=\"#main\">Bỏ qua</a><main id=\"main\"><form><label for=\"q\">Q</label>"
                + "<input id=\"q\" name=\"q\"><label>S <select name=\"s\"></select></label>"
                + "<input type=\"hidden\" name=\"csrf\" value=\"x\"><button aria-label=\"Xóa X\">×</button>"
                + "<img src=\"i.png\" alt=\"\"></form></main></body></html>";
        assertEquals(List.of(), PageAccessibility.ofPage(good, "vi"));
    }

    @Test
    void everyConsoleAndPortalPage_inBothLanguages_isLabelledTitledAndNamed() throws DemoException, IOException,
            InterruptedException {
        DemoPorts ports = new DemoPorts(RunningDemo.freeBasePort());
        try (DemoNetwork network = DemoNetwork.start(dir.resolve("demo"), ports, new BouncyCastleProvider(),
                new SecureRandom(), Clock.systemUTC(), new Progress(new PrintWriter(Writer.nullWriter())))) {
            // the sample exchanges (the bank's refused), so that the portal has accesses to list
            for (SampleExchange exchange : SampleExchange.ALL) {
                HttpRequest.Builder query = HttpRequest.newBuilder(exchange.uri(network.consumer().clientProxyUrl()));
                exchange.headers().forEach(query::header);
                HttpClient.newHttpClient().send(query.build(), HttpResponse.BodyHandlers.discarding());
            }
            List<String> problems = new ArrayList<>();
            int pages = 0;
            DemoServer provider = network.provider();
            record Console(String name, URI url, String user, String password) {
            }
            List<Console> consoles = List.of(
                    new Console("registry", network.registryConsoleUrl(), DemoNetwork.REGISTRY_CONSOLE_USER,
                            network.registryConsolePassword()),
                    new Console("security server", provider.consoleUrl(), DemoServer.CONSOLE_USER,
                            provider.consolePassword()));
            for (String language : List.of("vi", "en")) {
                for (Console console : consoles) {
                    Browser browser = new Browser(console.url(), language);
                    pages += check(problems, console.name() + " /login", browser.get("/login"), language);
                    // a form posted without its token: the refusal page
                    pages += check(problems, console.name() + " refused", browser.post("/logout", "csrf=wrong"),
                            language);
                    browser.signIn(console.user(), console.password());
                    Set<String> seen = new LinkedHashSet<>();
                    Deque<String> next = new ArrayDeque<>(List.of("/"));
                    while (!next.isEmpty() && seen.size() < MAX_PAGES) {
                        String path = next.poll();
                        if (!seen.add(path)) {
                            continue;
                        }
                        HttpResponse<String> page = browser.get(path);
                        if (!page.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                            continue;
                        }
                        pages += check(problems, console.name() + " " + path, page, language);
                        Matcher links = LINK.matcher(page.body());
                        while (links.find()) {
                            String link = links.group(1).replace("&amp;", "&");
                            if (!link.contains("lang=") && !link.startsWith("/logout") && !link.endsWith(".css")
                                    && !link.endsWith(".js")) {
                                next.add(link);
                            }
                        }
                    }
                    assertTrue(seen.size() >= 8, console.name() + ": only " + seen + " reached from the overview");
                }
                // a form answered with a problem next to its field (aria-describedby to the message)
                Browser registry = new Browser(network.registryConsoleUrl(), language);
                registry.signIn(DemoNetwork.REGISTRY_CONSOLE_USER, network.registryConsolePassword());
                registry.get("/groups");
                HttpResponse<String> bad = registry.post("/groups", "csrf=" + registry.csrf() + "&code=&description=");
                assertEquals(400, bad.statusCode(), bad.body());
                pages += check(problems, "registry /groups with a bad value", bad, language);

                // the citizen portal: its page, and the list of accesses it inserts once signed in
                Browser portal = new Browser(DemoPorts.http(ports.portal()), language);
                pages += check(problems, "portal /", portal.get("/"), language);
                HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(DemoPorts.http(ports.identityProvider()) + "/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("sub=" + DemoCast.CITIZEN)).build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode idToken = ProtocolJson.mapper().readTree(token.body()).path("id_token");
                HttpResponse<String> events = portal.send(HttpRequest.newBuilder(
                        URI.create(DemoPorts.http(ports.portal()) + "/page/events"))
                        .header("Authorization", "Bearer " + idToken.asText()));
                assertEquals(200, events.statusCode(), events.body());
                assertTrue(events.body().contains("id=\"events\""), "the citizen's accesses: " + events.body());
                List<String> fragment = PageAccessibility.ofFragment(events.body());
                fragment.forEach(p -> problems.add("portal /page/events (" + language + "): " + p));
                pages++;
            }
            assertTrue(problems.isEmpty(), problems.size() + " problems in " + pages + " pages:\n"
                    + String.join("\n", problems));
            assertTrue(pages >= 40, "pages checked: " + pages);
        }
    }

    private static int check(List<String> problems, String what, HttpResponse<String> page, String language) {
        for (String problem : PageAccessibility.ofPage(page.body(), language)) {
            problems.add(what + " (" + language + ", " + page.statusCode() + "): " + problem);
        }
        return 1;
    }

    /** One browser: its cookies, its language, redirects not followed. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private final URI base;
        private final String language;
        private HttpResponse<String> last;

        Browser(URI base, String language) {
            this.base = base;
            this.language = language;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(base.resolve(path)));
        }

        HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
            return send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            last = http.send(request.header("Accept-Language", language).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return last;
        }

        String csrf() {
            Matcher m = CSRF.matcher(last.body());
            assertTrue(m.find(), "no CSRF token in " + last.body());
            return m.group(1);
        }

        void signIn(String user, String password) throws IOException, InterruptedException {
            get("/login");
            HttpResponse<String> signedIn = post("/login", "csrf=" + csrf() + "&method=password&user="
                    + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                    + URLEncoder.encode(password, StandardCharsets.UTF_8));
            assertEquals(303, signedIn.statusCode(), signedIn.body());
        }
    }
}
