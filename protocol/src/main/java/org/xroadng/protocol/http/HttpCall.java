package org.xroadng.protocol.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as an endpoint sees it: the method, the decoded path, the path parameters the
 * route captured, the decoded query parameters, the headers (names lower-cased) and the whole body.
 */
public record HttpCall(String method, String path, Map<String, String> pathParams,
                       Map<String, List<String>> query, Map<String, List<String>> headers, byte[] body) {

    public HttpCall {
        pathParams = Map.copyOf(pathParams);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The single value of a query parameter; a parameter given twice is refused. */
    public Optional<String> queryParam(String name) throws HttpProblem {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw HttpProblem.badRequest("query parameter '" + name + "' is given " + values.size()
                    + " times; expected at most once");
        }
        return Optional.of(values.get(0));
    }

    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalStateException("route declares no path parameter " + name);
        }
        return value;
    }
}
