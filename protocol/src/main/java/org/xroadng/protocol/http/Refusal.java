package org.xroadng.protocol.http;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * A request the server refuses before any endpoint sees it (not valid HTTP/1.1, a body over the
 * limit, an expectation it cannot meet), passed up the pipeline as a message in the request's
 * place so that the {@link Dispatcher} answers it in order, behind the answers still owed to
 * earlier requests of the connection. The connection closes after the answer: the rest of the
 * byte stream cannot be trusted to start at a request boundary.
 */
record Refusal(HttpProblem problem) {

    /** The codec's failure as 414, 431 or 400, naming no Java class. */
    static Refusal malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(new HttpProblem(414, "UriTooLong", "the request line is longer than the limit of "
                    + HttpApiServer.MAX_REQUEST_LINE + " bytes"));
        }
        if (cause instanceof TooLongFrameException) {
            return new Refusal(new HttpProblem(431, "RequestHeaderFieldsTooLarge", "the request headers are longer"
                    + " than the limit of " + HttpApiServer.MAX_HEADERS + " bytes"));
        }
        return new Refusal(HttpProblem.badRequest("the request is not valid HTTP/1.1 (RFC 9112): check its request"
                + " line, header lines and Content-Length or Transfer-Encoding"));
    }

    static Refusal tooLarge(int maxBodyBytes) {
        return new Refusal(new HttpProblem(413, "RequestTooLarge",
                "request body is larger than the limit of " + maxBodyBytes + " bytes"));
    }

    static Refusal expectationFailed() {
        return new Refusal(new HttpProblem(417, "ExpectationFailed",
                "the only expectation this server meets is Expect: 100-continue (RFC 9110 section 10.1.1)"));
    }
}
