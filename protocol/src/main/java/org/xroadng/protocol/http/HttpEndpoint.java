package org.xroadng.protocol.http;

/**
 * Answers one routed request. Runs on a worker thread of {@link HttpApiServer}, so it may block
 * (on a database, for example). A {@link HttpProblem} becomes a JSON error with its status; any
 * other exception becomes a 500 that names an incident id and carries no stack trace.
 */
@FunctionalInterface
public interface HttpEndpoint {

    HttpReply handle(HttpCall call) throws HttpProblem;
}
