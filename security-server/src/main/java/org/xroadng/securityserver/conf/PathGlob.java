package org.xroadng.securityserver.conf;

/**
 * Matching of request paths against access-right patterns, segment by segment: {@code *} is
 * exactly one non-empty segment, {@code **} is any number of segments (including none), anything
 * else must be equal. Paths are compared after percent-decoding and validation by the proxy, so a
 * pattern never sees {@code ..}.
 */
public final class PathGlob {

    private PathGlob() {
    }

    public static boolean matches(String pattern, String path) {
        String[] p = split(pattern);
        String[] s = split(path == null || path.isEmpty() ? "/" : path);
        return match(p, 0, s, 0);
    }

    private static boolean match(String[] p, int pi, String[] s, int si) {
        if (pi == p.length) {
            return si == s.length;
        }
        if (p[pi].equals("**")) {
            for (int skip = si; skip <= s.length; skip++) {
                if (match(p, pi + 1, s, skip)) {
                    return true;
                }
            }
            return false;
        }
        if (si == s.length) {
            return false;
        }
        if (p[pi].equals("*") ? s[si].isEmpty() : !p[pi].equals(s[si])) {
            return false;
        }
        return match(p, pi + 1, s, si + 1);
    }

    private static String[] split(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
