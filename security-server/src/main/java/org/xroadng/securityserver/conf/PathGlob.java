package org.xroadng.securityserver.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A path pattern of an access right or a service endpoint, compiled once when the configuration
 * snapshot is built, and matched segment by segment against a request's path:
 *
 * <ul>
 *   <li>a segment {@code **} matches any number of segments, none included;</li>
 *   <li>a segment {@code *} matches exactly one non-empty segment;</li>
 *   <li>a {@code *} inside a segment ({@code *.json}, {@code v*}) matches any run of characters,
 *       none included, within that one segment;</li>
 *   <li>anything else must be equal.</li>
 * </ul>
 *
 * <p>Paths are compared after percent-decoding and validation by the proxy (RestPath), so a
 * pattern never sees {@code ..}. {@link #matches} allocates nothing and compiles nothing: it is
 * called for every access right of the service on every exchange.
 */
public final class PathGlob {

    private static final int LITERAL = 0;
    private static final int ONE = 1;
    private static final int ANY = 2;
    private static final int PARTIAL = 3;
    /** No segment left: the path is used up. */
    private static final int END = -1;

    private final String pattern;
    private final String[] segments;
    private final int[] kinds;

    private PathGlob(String pattern, String[] segments, int[] kinds) {
        this.pattern = pattern;
        this.segments = segments;
        this.kinds = kinds;
    }

    /** Compiles {@code pattern}, which starts with '/' ({@code /} alone matches the service's root). */
    public static PathGlob compile(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("path pattern '" + pattern + "' must start with '/'");
        }
        List<String> segments = new ArrayList<>();
        List<Integer> kinds = new ArrayList<>();
        if (pattern.length() > 1) {
            for (String segment : pattern.substring(1).split("/", -1)) {
                int kind = segment.equals("**") ? ANY : segment.equals("*") ? ONE
                        : segment.indexOf('*') >= 0 ? PARTIAL : LITERAL;
                if (kind == ANY && !kinds.isEmpty() && kinds.get(kinds.size() - 1) == ANY) {
                    continue; // "**/**" is "**", and would only cost backtracking
                }
                segments.add(segment);
                kinds.add(kind);
            }
        }
        return new PathGlob(pattern, segments.toArray(String[]::new),
                kinds.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    /** Whether {@code path} (starting with '/'; empty or null is the root) matches. */
    public boolean matches(String path) {
        String p = path == null ? "" : path;
        return match(0, p, p.length() <= 1 ? END : 1);
    }

    /**
     * Whether every path that {@code endpoint} (a pattern of this kind, as a service description
     * gives one) can match is matched here too: the endpoint's wildcards are taken as the literal
     * text they are, which only a wildcard here can match.
     */
    public boolean covers(String endpoint) {
        return matches(endpoint);
    }

    private boolean match(int pi, String path, int start) {
        if (pi == segments.length) {
            return start == END;
        }
        if (kinds[pi] == ANY) {
            for (int s = start; ; s = next(path, end(path, s))) {
                if (match(pi + 1, path, s)) {
                    return true;
                }
                if (s == END) {
                    return false;
                }
            }
        }
        if (start == END) {
            return false;
        }
        int end = end(path, start);
        boolean segmentMatches = switch (kinds[pi]) {
            case ONE -> end > start;
            case PARTIAL -> wildcard(segments[pi], path, start, end);
            default -> end - start == segments[pi].length() && path.startsWith(segments[pi], start);
        };
        return segmentMatches && match(pi + 1, path, next(path, end));
    }

    private static int end(String path, int start) {
        int slash = path.indexOf('/', start);
        return slash < 0 ? path.length() : slash;
    }

    private static int next(String path, int end) {
        return end < path.length() ? end + 1 : END;
    }

    /** {@code glob}, where {@code *} is any run of characters, against {@code text[from, to)}. */
    private static boolean wildcard(String glob, String text, int from, int to) {
        int g = 0;
        int t = from;
        int star = -1;
        int resume = 0;
        while (t < to) {
            if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                resume = t;
            } else if (g < glob.length() && glob.charAt(g) == text.charAt(t)) {
                g++;
                t++;
            } else if (star >= 0) {
                g = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathGlob other && other.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
