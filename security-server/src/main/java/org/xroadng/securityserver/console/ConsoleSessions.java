package org.xroadng.securityserver.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.xroadng.securityserver.admin.Operator;

/**
 * The console's sessions, in memory: a session id and a CSRF token, each 32 bytes from the injected
 * {@link SecureRandom} (base64url), and the operator once signed in. A session idle for longer than
 * {@link #IDLE} is gone; a sign-in always opens a new session (the id seen before sign-in never
 * becomes a signed-in one: no session fixation, OWASP Session Management). The CSRF token is a
 * synchronizer token (OWASP CSRF Prevention): every state-changing request must carry the token of
 * its session, compared in constant time. A restart signs everyone out.
 */
final class ConsoleSessions {

    static final Duration IDLE = Duration.ofMinutes(30);
    static final String COOKIE = "xroad-console";
    /** Beyond this many live sessions the oldest idle ones are dropped first. */
    static final int MAX_SESSIONS = 10_000;

    /** A session: {@code operator} empty before sign-in. */
    record Session(String id, String csrf, Optional<Operator> operator, Instant lastSeen) {
        @Override
        public String toString() {
            return "Session[" + operator.map(Operator::auditName).orElse("anonymous") + "]";
        }
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;

    ConsoleSessions(SecureRandom random, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Session open(Optional<Operator> operator) {
        if (sessions.size() >= MAX_SESSIONS) {
            expire();
        }
        Session session = new Session(token(), token(), operator, clock.instant());
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    Optional<Session> find(String id) {
        if (id == null || id.length() > 100) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(session.lastSeen().plus(IDLE))) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session touched = new Session(session.id(), session.csrf(), session.operator(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    void close(String id) {
        sessions.remove(id);
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    static boolean csrfMatches(Session session, String given) {
        return given != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code Set-Cookie} for a session: never readable by scripts, never sent cross-site, HTTPS-only under TLS. */
    static String cookie(Session session, boolean secure) {
        return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** {@code Set-Cookie} that removes the session cookie. */
    static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private void expire() {
        Instant now = clock.instant();
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (!now.isBefore(it.next().lastSeen().plus(IDLE))) {
                it.remove();
            }
        }
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().filter(s -> s.operator().isEmpty()).map(Session::id).limit(MAX_SESSIONS / 2)
                    .toList().forEach(sessions::remove);
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
