package org.xroadng.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as the registry console sees one: one cookie jar (session and language), forms posted
 * URL-encoded, no redirects followed, the CSRF token read from the last page.
 */
final class ConsoleBrowser {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI base;
    final Map<String, String> cookies = new LinkedHashMap<>();
    String acceptLanguage = "en";
    HttpResponse<String> last;

    ConsoleBrowser(URI base) {
        this.base = base;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
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
}
