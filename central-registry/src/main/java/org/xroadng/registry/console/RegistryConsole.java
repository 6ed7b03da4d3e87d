package org.xroadng.registry.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.web.BundleMessages;
import org.xroadng.auditlog.web.ViewerZone;
import org.xroadng.auditlog.web.ConsoleLanguage;
import org.xroadng.auditlog.web.ConsoleReplies;
import org.xroadng.auditlog.web.ConsoleSessions;
import org.xroadng.auditlog.web.Cookies;
import org.xroadng.auditlog.web.FormBody;
import org.xroadng.auditlog.web.LockOut;
import org.xroadng.auditlog.web.WebTemplates;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.registry.Actor;
import org.xroadng.registry.ApiKeys;
import org.xroadng.registry.ConsoleUsers;
import org.xroadng.registry.Operator;
import org.xroadng.registry.Permission;
import org.xroadng.registry.Registry;

/**
 * The central registry's operator console at {@code /} of the registry's port (docs/console.md):
 * server-rendered pages in Vietnamese and English over the same service layer as the operator API
 * ({@link Registry}'s members, servers, groups, requests...), with the same roles
 * ({@link Permission}, checked by {@link Operator#require} on every action).
 *
 * <p>Guarantees, as the security server's console gives them (the session, CSRF, language, lock-out
 * and reply machinery is shared, in {@code org.xroadng.auditlog.web}): every page but the sign-in
 * page needs a signed-in session, else it redirects there; sign-in takes a console user's password
 * or one of the registry's API keys, audits every attempt ({@code console.signIn}) and locks a user
 * out after {@link LockOut#MAX_FAILURES} wrong passwords; the session cookie is {@code HttpOnly},
 * {@code SameSite=Strict} and, when the registry is served over TLS, {@code Secure}; every POST must
 * carry its session's CSRF token (the sign-in form too) or is refused with 403 and audited
 * ({@code console.post}) before anything runs.
 */
public final class RegistryConsole {

    /** One page request after the session was checked. */
    record Request(HttpCall call, ConsoleSessions.Session<Operator> session, Operator operator, Locale language,
                   ViewerZone zone) {
    }

    /** A page's answer: template and model, or a finished reply (a redirect). */
    @FunctionalInterface
    interface Page {
        HttpReply answer(Request request) throws HttpProblem;
    }

    /** The pages whose templates both consoles share (audit-log's {@code web/shared}). */
    private static final java.util.Set<String> SHARED_PAGES = java.util.Set.of("audit");

    /** The pages in the menu, in its order. */
    static final java.util.List<String> MENU = java.util.List.of("overview", "requests", "members", "servers", "groups",
            "trust", "settings", "api-keys", "users", "checkpoints", "audit");

    private final Registry registry;
    private final ConsoleSessions<Operator> sessions;
    private final BundleMessages messages;
    private final WebTemplates templates;
    private final RegistryConsolePages pages;
    private final boolean secure;

    /** @param secure whether browsers reach the registry over TLS: the cookies are then {@code Secure} */
    public RegistryConsole(Registry registry, boolean secure, SecureRandom random, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.sessions = new ConsoleSessions<>(random, clock);
        this.messages = BundleMessages.of(RegistryConsole.class);
        this.templates = new WebTemplates(RegistryConsole.class, messages);
        this.pages = new RegistryConsolePages(this, registry, clock);
        this.secure = secure;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        ConsoleReplies.addAssets(server);
        server.route("GET", "/login", this::signInPage);
        server.route("POST", "/login", this::signIn);
        server.route("POST", "/logout", call -> posted(call, r -> {
            sessions.close(r.session().id());
            registry.changes().succeeded(r.operator().actor(), "console.signOut", r.operator().name());
            return ConsoleReplies.redirect("/login").withCookie(ConsoleSessions.clearCookie(secure));
        }));
        pages.addTo(server);
        return server;
    }

    // plumbing the pages use

    /** A GET page: needs a signed-in session, else a redirect to the sign-in page. */
    HttpReply viewed(HttpCall call, Page page) throws HttpProblem {
        Optional<ConsoleSessions.Session<Operator>> session = session(call);
        if (session.isEmpty() || session.get().operator().isEmpty()) {
            return ConsoleReplies.redirect("/login");
        }
        return withLanguage(call, page.answer(request(call, session.get())));
    }

    /**
     * A POST: needs a signed-in session and its CSRF token in the form's {@code csrf} field; anything
     * else is a 403 page and an audit row, and nothing runs.
     */
    HttpReply posted(HttpCall call, Page page) throws HttpProblem {
        Optional<ConsoleSessions.Session<Operator>> session = session(call);
        Locale language = ConsoleLanguage.of(call);
        if (session.isEmpty() || session.get().operator().isEmpty()) {
            registry.changes().refused(new Actor("console"), "console.post", call.path(), "no signed-in session");
            return refusedPage(language, "refused.session");
        }
        FormBody form = FormBody.parse(call);
        if (!ConsoleSessions.csrfMatches(session.get(), form.raw("csrf"))) {
            registry.changes().refused(session.get().operator().get().actor(), "console.post", call.path(),
                    "missing or wrong CSRF token");
            return refusedPage(language, "refused.csrf");
        }
        return page.answer(request(call, session.get()));
    }

    /** Renders a page inside the console's frame, with what every page needs. */
    HttpReply render(Request request, int status, String template, Map<String, Object> model) {
        Map<String, Object> variables = new LinkedHashMap<>(model);
        variables.put("title", message(request.language(), "page." + template));
        variables.put("page", template);
        variables.put("menu", MENU);
        variables.put("operator", request.operator());
        variables.put("role", request.operator().role().code());
        variables.put("rolesShown", request.operator().role().code());
        variables.put("identity", registry.instance());
        variables.put("csrf", request.session().csrf());
        variables.put("path", request.call().path());
        variables.put("instance", registry.instance());
        variables.put("zone", request.zone().id());
        variables.put("mayRegister", request.operator().may(Permission.REGISTER));
        variables.put("mayAdmin", request.operator().may(Permission.ADMIN));
        return ConsoleReplies.page(status, templates.render(SHARED_PAGES.contains(template) ? WebTemplates.SHARED + template
                : template, request.language(), variables));
    }

    String message(Locale language, String key, Object... arguments) {
        return messages.get(language, key, arguments);
    }

    // sign-in

    private HttpReply signInPage(HttpCall call) {
        Optional<ConsoleSessions.Session<Operator>> existing = session(call);
        if (existing.isPresent() && existing.get().operator().isPresent()) {
            return ConsoleReplies.redirect("/");
        }
        ConsoleSessions.Session<Operator> session = existing.orElseGet(() -> sessions.open(Optional.empty()));
        return withLanguage(call, signInForm(session, ConsoleLanguage.of(call), 200, null, "", "password"))
                .withCookie(ConsoleSessions.cookie(session, secure));
    }

    private HttpReply signIn(HttpCall call) throws HttpProblem {
        Locale language = ConsoleLanguage.of(call);
        Optional<ConsoleSessions.Session<Operator>> session = session(call);
        FormBody form = FormBody.parse(call);
        if (session.isEmpty() || !ConsoleSessions.csrfMatches(session.get(), form.raw("csrf"))) {
            registry.changes().refused(new Actor("console"), ConsoleUsers.SIGN_IN, limited(form.get("user")),
                    "missing or wrong CSRF token (the sign-in page was not loaded in this session)");
            return refusedPage(language, "refused.csrf");
        }
        String method = form.get("method").equals("key") ? "key" : "password";
        if (method.equals("key")) {
            Optional<ApiKeys.Caller> caller = registry.apiKeys().authenticate(form.raw("apiKey").strip());
            if (caller.isEmpty()) {
                registry.changes().refused(new Actor("console"), ConsoleUsers.SIGN_IN, "(API key)",
                        "unknown or revoked API key");
                return signInForm(session.get(), language, 401, message(language, "signIn.badKey"), "", method);
            }
            Operator operator = Operator.of(caller.get());
            registry.changes().succeeded(operator.actor(), ConsoleUsers.SIGN_IN, "(API key)");
            return signedIn(session.get(), operator);
        }
        String user = form.get("user");
        ConsoleUsers.SignIn result = registry.consoleUsers().signIn(user, form.raw("password"));
        if (result instanceof ConsoleUsers.SignIn.Accepted accepted) {
            return signedIn(session.get(), accepted.operator());
        }
        String problem = result instanceof ConsoleUsers.SignIn.WrongPassword w && w.nowLocked()
                ? message(language, "signIn.nowLocked", LockOut.LOCK.toMinutes())
                : result instanceof ConsoleUsers.SignIn.Locked
                ? message(language, "signIn.locked", LockOut.LOCK.toMinutes())
                : message(language, "signIn.wrong");
        return signInForm(session.get(), language, 401, problem, user, method);
    }

    private HttpReply signedIn(ConsoleSessions.Session<Operator> anonymous, Operator operator) {
        sessions.close(anonymous.id());
        ConsoleSessions.Session<Operator> session = sessions.open(Optional.of(operator));
        return ConsoleReplies.redirect("/").withCookie(ConsoleSessions.cookie(session, secure));
    }

    private HttpReply signInForm(ConsoleSessions.Session<Operator> session, Locale language, int status, String problem,
                                 String user, String method) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("csrf", session.csrf());
        model.put("problem", problem);
        model.put("user", user);
        model.put("method", method);
        model.put("instance", registry.instance());
        model.put("identity", registry.instance());
        model.put("identityLine", message(language, "signIn.instance", registry.instance()));
        model.put("path", "/login");
        model.put("operator", null);
        return ConsoleReplies.page(status, templates.render(WebTemplates.SHARED + "login", language, model));
    }

    private HttpReply refusedPage(Locale language, String reason) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("reason", reason);
        model.put("path", "/");
        return ConsoleReplies.page(403, templates.render(WebTemplates.SHARED + "refused", language, model));
    }

    // machinery

    private Request request(HttpCall call, ConsoleSessions.Session<Operator> session) {
        return new Request(call, session, session.operator().orElseThrow(), ConsoleLanguage.of(call), ViewerZone.of(call));
    }

    /**
     * The caller's session; a signed-in one whose API key was revoked or whose user was deleted
     * since is ended here, so the change takes effect at the next request.
     */
    private Optional<ConsoleSessions.Session<Operator>> session(HttpCall call) {
        Optional<ConsoleSessions.Session<Operator>> found = Cookies.value(call, ConsoleSessions.COOKIE)
                .flatMap(sessions::find);
        if (found.isPresent() && found.get().operator().isPresent() && !stillValid(found.get().operator().get())) {
            sessions.close(found.get().id());
            return Optional.empty();
        }
        return found;
    }

    /** Whether the API key (named {@code #ID}) or the console user an operator signed in as still holds. */
    private boolean stillValid(Operator operator) {
        String name = operator.name();
        if (name.startsWith("#")) {
            return registry.apiKeys().list().stream().anyMatch(k -> ("#" + k.id()).equals(name)
                    && k.revokedAt() == null);
        }
        return registry.consoleUsers().list().stream().anyMatch(u -> u.name().equals(name));
    }

    /** Remembers a language chosen with {@code ?lang=} in a cookie, so it holds across pages. */
    private HttpReply withLanguage(HttpCall call, HttpReply reply) {
        Optional<Locale> requested = ConsoleLanguage.requested(call);
        return requested.isEmpty() ? reply : reply.withCookie(ConsoleLanguage.rememberCookie(requested.get(), secure));
    }

    private static String limited(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
