package org.xroadng.protocol.http;

/**
 * A request that an endpoint refuses, answered as {@code {"type", "message", "detail"}} with the
 * given status. The message is written for the caller and says what was wrong and what was expected.
 */
public final class HttpProblem extends Exception {

    private final int status;
    private final String type;

    public HttpProblem(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, "BadRequest", message);
    }

    public static HttpProblem notFound(String message) {
        return new HttpProblem(404, "NotFound", message);
    }

    public static HttpProblem conflict(String message) {
        return new HttpProblem(409, "Conflict", message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
