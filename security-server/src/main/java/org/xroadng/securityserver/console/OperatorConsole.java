package org.xroadng.securityserver.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.auditlog.web.BundleMessages;
import org.xroadng.auditlog.web.ConsoleLanguage;
import org.xroadng.auditlog.web.ConsoleReplies;
import org.xroadng.auditlog.web.ConsoleSessions;
import org.xroadng.auditlog.web.Cookies;
import org.xroadng.auditlog.web.FormBody;
import org.xroadng.auditlog.web.ViewerZone;
import org.xroadng.auditlog.web.WebTemplates;
import org.xroadng.protocol.http.HttpApiServer;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;
import org.xroadng.securityserver.admin.AdminKeys;
import org.xroadng.securityserver.admin.ConsoleUsers;
import org.xroadng.securityserver.admin.Operator;
import org.xroadng.securityserver.admin.Permission;
import org.xroadng.securityserver.admin.ServerAdmin;

/**
 * The operator console at {@code /} of the admin port (docs/console.md): server-rendered pages in
 * Vietnamese and English over the same service layer as the admin API ({@link ServerAdmin}).
 *
 * <p>Guarantees: every page but the sign-in page needs a signed-in session, else it redirects there;
 * sign-in takes a console user's password or one of the server's admin API keys, audits every
 * attempt and locks a user out after {@link ConsoleUsers#MAX_FAILURES} wrong passwords; the session
 * cookie is {@code HttpOnly}, {@code SameSite=Strict} and, under TLS, {@code Secure}; every POST must
 * carry its session's CSRF token (the sign-in form too, against login CSRF) or is refused with 403
 * and audited, before anything runs; roles are checked by {@link ServerAdmin} on every change, so a
 * crafted request of another role is refused exactly as its button is disabled on the page. Pages
 * send {@code Content-Security-Policy} allowing only this server's own style and script, and
 * {@code X-Frame-Options: DENY}. A session ends at its next request once its API key is revoked or
 * its user deleted.
 */
public final class OperatorConsole {

    /** One page request after the session was checked. */
    record Request(HttpCall call, ConsoleSessions.Session<Operator> session, Operator operator, Locale language,
                   ViewerZone zone) {
    }

    /** A page's answer: template and model, or a finished reply (a redirect, a download). */
    @FunctionalInterface
    interface Page {
        HttpReply answer(Request request) throws HttpProblem;
    }

    /** The pages in the menu, in its order; the first is at {@code /}. */
    static final java.util.List<String> MENU = java.util.List.of("dashboard", "keys", "clients", "services",
            "descriptions", "access-rights", "local-groups", "message-log", "users", "api-keys", "audit");

    private final ServerAdmin admin;
    private final AdminKeys adminKeys;
    private final ConsoleSessions<Operator> sessions;
    private final ConsoleTemplates templates;
    private final ConsolePages pages;
    private final boolean secure;

    /**
     * @param secure whether the admin port speaks TLS: the cookies are then {@code Secure}
     */
    public OperatorConsole(ServerAdmin admin, AdminKeys adminKeys, ServerStatus status, boolean secure,
                           SecureRandom random, Clock clock) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.adminKeys = Objects.requireNonNull(adminKeys, "adminKeys");
        this.sessions = new ConsoleSessions<>(random, clock);
        this.templates = new ConsoleTemplates(BundleMessages.of(OperatorConsole.class));
        this.pages = new ConsolePages(this, admin, status, clock);
        this.secure = secure;
    }

    public HttpApiServer.Builder addTo(HttpApiServer.Builder server) {
        ConsoleReplies.addAssets(server);
        server.route("GET", "/login", this::signInPage);
        server.route("POST", "/login", this::signIn);
        server.route("POST", "/logout", call -> posted(call, r -> {
            sessions.close(r.session().id());
            admin.auditSignOut(r.operator());
            return redirect("/login").withCookie(ConsoleSessions.clearCookie(secure));
        }));
        pages.addTo(server);
        return server;
    }

    // plumbing the pages use

    /** A GET page: needs a signed-in session, else a redirect to the sign-in page. */
    HttpReply viewed(HttpCall call, Page page) throws HttpProblem {
        Optional<ConsoleSessions.Session<Operator>> session = session(call);
        if (session.isEmpty() || session.get().operator().isEmpty()) {
            return redirect("/login");
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
            admin.store().record("console", "console.post", call.path(), "refused: no signed-in session");
            return refusedPage(language, "refused.session");
        }
        FormBody form = FormBody.parse(call);
        if (!ConsoleSessions.csrfMatches(session.get(), form.raw("csrf"))) {
            admin.store().record(session.get().operator().get().auditName(), "console.post", call.path(),
                    "refused: missing or wrong CSRF token");
            return refusedPage(language, "refused.csrf");
        }
        return page.answer(request(call, session.get()));
    }

    /** Renders a page inside the console's frame, with what every page needs. */
    HttpReply render(Request request, int status, String template, String title, Map<String, Object> model) {
        Map<String, Object> variables = new LinkedHashMap<>(model);
        variables.put("title", title);
        variables.put("page", template);
        variables.put("operator", request.operator());
        variables.put("roles", org.xroadng.securityserver.admin.Role.format(request.operator().roles()));
        variables.put("rolesShown", variables.get("roles"));
        variables.put("identity", admin.keys().serverId().format());
        variables.put("menu", MENU);
        variables.put("csrf", request.session().csrf());
        variables.put("path", request.call().path());
        variables.put("zone", request.zone().id());
        variables.put("serverId", admin.keys().serverId().format());
        for (Permission permission : Permission.values()) {
            variables.put("may" + camel(permission.name()), request.operator().may(permission));
        }
        String html = templates.render(template.equals("audit") ? WebTemplates.SHARED + template : template,
                request.language(), variables);
        return page(status, html);
    }

    String message(Locale language, String key, Object... arguments) {
        return templates.messages().get(language, key, arguments);
    }

    static HttpReply redirect(String location) {
        return ConsoleReplies.redirect(location);
    }

    // sign-in

    private HttpReply signInPage(HttpCall call) {
        Optional<ConsoleSessions.Session<Operator>> existing = session(call);
        if (existing.isPresent() && existing.get().operator().isPresent()) {
            return redirect("/");
        }
        ConsoleSessions.Session<Operator> session = existing.orElseGet(() -> sessions.open(Optional.empty()));
        Locale language = ConsoleLanguage.of(call);
        return withLanguage(call, signInForm(session, language, 200, null, "", "password"))
                .withCookie(ConsoleSessions.cookie(session, secure));
    }

    private HttpReply signIn(HttpCall call) throws HttpProblem {
        Locale language = ConsoleLanguage.of(call);
        Optional<ConsoleSessions.Session<Operator>> session = session(call);
        FormBody form = FormBody.parse(call);
        // the audit names the door, not a client-supplied address (X-Forwarded-For could be anything)
        String from = "browser";
        if (session.isEmpty() || !ConsoleSessions.csrfMatches(session.get(), form.raw("csrf"))) {
            admin.store().record("console:" + from, "console.signIn", form.get("user"),
                    "refused: missing or wrong CSRF token (the sign-in page was not loaded in this session)");
            return refusedPage(language, "refused.csrf");
        }
        String method = form.get("method").equals("key") ? "key" : "password";
        if (method.equals("key")) {
            Optional<Operator> operator = adminKeys.authenticate(form.raw("apiKey").strip());
            admin.auditKeySignIn(operator.map(Operator::name).orElse("(unknown key)"), operator.isPresent(), from);
            if (operator.isEmpty()) {
                return signInForm(session.get(), language, 401, message(language, "signIn.badKey"), "", method);
            }
            return signedIn(session.get(), operator.get());
        }
        String user = form.get("user");
        ConsoleUsers.SignIn result = admin.signIn(user, form.raw("password"), from);
        if (result instanceof ConsoleUsers.SignIn.Accepted accepted) {
            return signedIn(session.get(), accepted.operator());
        }
        String problem = result instanceof ConsoleUsers.SignIn.WrongPassword w && w.nowLocked()
                ? message(language, "signIn.nowLocked", ConsoleUsers.LOCK.toMinutes())
                : result instanceof ConsoleUsers.SignIn.Locked
                ? message(language, "signIn.locked", ConsoleUsers.LOCK.toMinutes())
                : message(language, "signIn.wrong");
        return signInForm(session.get(), language, 401, problem, user, method);
    }

    private HttpReply signedIn(ConsoleSessions.Session<Operator> anonymous, Operator operator) {
        sessions.close(anonymous.id());
        ConsoleSessions.Session<Operator> session = sessions.open(Optional.of(operator));
        return redirect("/").withCookie(ConsoleSessions.cookie(session, secure));
    }

    private HttpReply signInForm(ConsoleSessions.Session<Operator> session, Locale language, int status, String problem,
                                 String user, String method) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("csrf", session.csrf());
        model.put("problem", problem);
        model.put("user", user);
        model.put("method", method);
        model.put("serverId", admin.keys().serverId().format());
        model.put("identity", admin.keys().serverId().format());
        model.put("identityLine", message(language, "signIn.server", admin.keys().serverId().format()));
        model.put("operator", null);
        model.put("path", "/login");
        return page(status, templates.render(WebTemplates.SHARED + "login", language, model));
    }

    private HttpReply refusedPage(Locale language, String reason) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("reason", reason);
        model.put("path", "/");
        return page(403, templates.render(WebTemplates.SHARED + "refused", language, model));
    }

    // machinery

    private Request request(HttpCall call, ConsoleSessions.Session<Operator> session) {
        return new Request(call, session, session.operator().orElseThrow(), ConsoleLanguage.of(call),
                ViewerZone.of(call));
    }

    /**
     * The caller's session; a signed-in one whose API key was revoked or whose user was deleted
     * since is ended here, so the change takes effect at the next request.
     */
    private Optional<ConsoleSessions.Session<Operator>> session(HttpCall call) {
        Optional<ConsoleSessions.Session<Operator>> found = Cookies.value(call, ConsoleSessions.COOKIE)
                .flatMap(sessions::find);
        if (found.isPresent() && found.get().operator().isPresent()
                && !adminKeys.stillValid(found.get().operator().get())) {
            sessions.close(found.get().id());
            return Optional.empty();
        }
        return found;
    }

    /** Remembers a language chosen with {@code ?lang=} in a cookie, so it holds across pages. */
    private HttpReply withLanguage(HttpCall call, HttpReply reply) {
        Optional<Locale> requested = ConsoleLanguage.requested(call);
        return requested.isEmpty() ? reply : reply.withCookie(ConsoleLanguage.rememberCookie(requested.get(), secure));
    }

    private static HttpReply page(int status, String html) {
        return ConsoleReplies.page(status, html);
    }

    private static String camel(String constant) {
        StringBuilder out = new StringBuilder();
        for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
