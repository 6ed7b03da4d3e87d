package org.xroadng.protocol.http;

/**
 * The request-target of an HTTP/1.1 request line (RFC 9112 section 3.2), split into its raw path
 * and raw query, checked before anything decodes it: origin-form ({@code /path?query}) or
 * absolute-form ({@code http://host/path?query}); every character must be one RFC 3986 allows in a
 * path or query, and every {@code %} must start a two-hex-digit escape. A refusal says where.
 */
record RequestTarget(String rawPath, String rawQuery) {

    static RequestTarget parse(String target) throws HttpProblem {
        String rest = target;
        if (!rest.startsWith("/")) {
            int scheme = rest.indexOf("://");
            String lower = rest.toLowerCase(java.util.Locale.ROOT);
            if (scheme < 0 || !(lower.startsWith("http://") || lower.startsWith("https://"))) {
                throw HttpProblem.badRequest("the request target must be a path starting with '/'");
            }
            int slash = rest.indexOf('/', scheme + 3);
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            throw HttpProblem.badRequest("the request target has a '#' at position " + (hash + 1)
                    + "; a fragment is never sent to a server");
        }
        int question = rest.indexOf('?');
        String path = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? null : rest.substring(question + 1);
        check(path, "path");
        if (query != null) {
            check(query, "query string");
        }
        return new RequestTarget(path, query);
    }

    private static void check(String text, String what) throws HttpProblem {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    String escape = text.substring(i, Math.min(text.length(), i + 3));
                    throw HttpProblem.badRequest("the " + what + " has a malformed percent-escape '"
                            + printable(escape) + "' at position " + (i + 1)
                            + "; '%' must be followed by two hexadecimal digits (RFC 3986 section 2.1)");
                }
            } else if (!allowed(c)) {
                throw HttpProblem.badRequest("the " + what + " has a character that must be percent-encoded at"
                        + " position " + (i + 1) + " (RFC 3986 section 3.3)");
            }
        }
    }

    /** unreserved, sub-delims, ':', '@', '/', '?' (RFC 3986 sections 3.3 and 3.4). */
    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
