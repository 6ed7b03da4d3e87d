package org.xroadng.certs.tsa;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.http.HttpCall;
import org.xroadng.protocol.http.HttpEndpoint;
import org.xroadng.protocol.http.HttpProblem;
import org.xroadng.protocol.http.HttpReply;

/**
 * The HTTP face of a {@link TimeStampAuthority} (RFC 3161 section 3.4): {@code POST} a DER
 * {@code TimeStampReq}, get a DER {@code TimeStampResp}.
 *
 * <p>Guarantees: a request with no Content-Type, or with {@value #QUERY_TYPE}, is answered 200
 * with {@value #REPLY_TYPE}, whose body is the TSA's response, a rejection for a bad request
 * (never an HTTP error). A request that declares any other Content-Type is refused with a 415 JSON
 * error before its body is looked at.
 */
public final class TsaHttpEndpoint implements HttpEndpoint {

    /** The media type of a DER TimeStampReq (RFC 3161 section 3.4). */
    public static final String QUERY_TYPE = "application/timestamp-query";
    /** The media type of a DER TimeStampResp (RFC 3161 section 3.4). */
    public static final String REPLY_TYPE = "application/timestamp-reply";

    private final TimeStampAuthority tsa;

    public TsaHttpEndpoint(TimeStampAuthority tsa) {
        this.tsa = Objects.requireNonNull(tsa, "tsa");
    }

    @Override
    public HttpReply handle(HttpCall call) throws HttpProblem {
        Optional<String> contentType = call.header("Content-Type");
        if (contentType.isPresent() && !QUERY_TYPE.equals(mediaType(contentType.get()))) {
            throw new HttpProblem(415, "UnsupportedMediaType", "Content-Type '" + contentType.get()
                    + "' is not accepted; expected " + QUERY_TYPE + " (RFC 3161 section 3.4)");
        }
        return HttpReply.of(200, REPLY_TYPE, tsa.respond(call.body()));
    }

    /** The type/subtype of a Content-Type value, lower-cased, without parameters. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }
}
