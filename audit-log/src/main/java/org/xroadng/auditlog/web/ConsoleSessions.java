package org.xroadng.auditlog.web;

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

/**
 * An operator console's sessions, in memory: a session id and a CSRF token, each 32 bytes from the
 * injected {@link SecureRandom} (base64url), and the operator (of the console's own type {@code U})
 * once signed in. A session idle for longer than {@link #IDLE} is gone; a sign-in always opens a new
 * session (the id seen before sign-in never becomes a signed-in one: no session fixation, OWASP
 * Session Management). The CSRF token is a synchronizer token (OWASP CSRF Prevention): every
 * state-changing request must carry the token of its session, compared in constant time. A restart
 * signs everyone out.
 */
public final class ConsoleSessions<U> {

    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final String COOKIE = "xroad-console";
    /** Beyond this many live sessions the oldest idle ones are dropped first. */
    static final int MAX_SESSIONS = 10_000;

    /** A session: {@code operator} empty before sign-in. */
    public record Session<U>(String id, String csrf, Optional<U> operator, Instant lastSeen) {
        public Session {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(csrf, "csrf");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(lastSeen, "lastSeen");
        }

        /** Never the id or the token: a session may end up in a log line. */
        @Override
        public String toString() {
            return "Session[" + (operator.isPresent() ? "signed in" : "anonymous") + "]";
        }
    }

    private final Map<String, Session<U>> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final Clock clock;

    public ConsoleSessions(SecureRandom random, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Session<U> open(Optional<U> operator) {
        if (sessions.size() >= MAX_SESSIONS) {
            expire();
        }
        Session<U> session = new Session<>(token(), token(), operator, clock.instant());
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired. */
    public Optional<Session<U>> find(String id) {
        if (id == null || id.length() > 100) {
            return Optional.empty();
        }
        Session<U> session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!now.isBefore(session.lastSeen().plus(IDLE))) {
            sessions.remove(id);
            return Optional.empty();
        }
        Session<U> touched = new Session<>(session.id(), session.csrf(), session.operator(), now);
        sessions.put(id, touched);
        return Optional.of(touched);
    }

    public void close(String id) {
        sessions.remove(id);
    }

    /** Whether {@code given} is the session's CSRF token, compared in constant time. */
    public static boolean csrfMatches(Session<?> session, String given) {
        return given != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code Set-Cookie} for a session: never readable by scripts, never sent cross-site, HTTPS-only under TLS. */
    public static String cookie(Session<?> session, boolean secure) {
        return COOKIE + "=" + session.id() + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** {@code Set-Cookie} that removes the session cookie. */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private void expire() {
        Instant now = clock.instant();
        for (Iterator<Session<U>> it = sessions.values().iterator(); it.hasNext(); ) {
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
