package org.xroadng.securityserver.message;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.xroadng.protocol.XRoadHeaders;
import org.xroadng.protocol.id.ServiceId;
import org.xroadng.protocol.id.ClientId;
import org.xroadng.securityserver.http.IncomingRequest;

/**
 * The signed summary of a request (DESIGN.md section 6): the payload of the consumer's
 * {@code X-Road-Signature}. Every field is recomputed by the provider's server from what it
 * received and must be equal; {@code headersSha256} and {@code bodySha256} are base64url SHA-256
 * digests ({@link MessageHashes}), {@code iat} is seconds since the epoch.
 *
 * <p>Both servers make it with {@link #of}, so that they agree field for field; anything else
 * (tests, tools) names the fields with {@link #builder()}.
 *
 * @param query the raw query string, or empty
 */
public record RequestDigest(int v, String id, ClientId client, ServiceId service, String method, String path,
                            String query, String headersSha256, String bodySha256, String userId, String issue,
                            String purpose, List<String> subjects, long iat) implements MessageSummary {

    public static final int VERSION = 1;

    public RequestDigest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(headersSha256, "headersSha256");
        Objects.requireNonNull(bodySha256, "bodySha256");
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
    }

    /**
     * The summary of {@code request} as the consumer signs it and the provider recomputes it: the
     * validated protocol headers, the raw path and query after the service code, the canonical
     * hash of the end-to-end headers ({@link HeaderFilter}) and the hash of the body.
     */
    public static RequestDigest of(IncomingRequest request, RestPath target, ProtocolHeaders headers,
                                   List<Map.Entry<String, String>> endToEnd, long iat) {
        return builder()
                .id(headers.id())
                .client(headers.client())
                .service(target.service())
                .method(request.method())
                .path(target.rawPath())
                .query(target.rawQuery())
                .headersSha256(MessageHashes.headers(endToEnd))
                .bodySha256(MessageHashes.sha256(request.body()))
                .userId(headers.userId())
                .issue(headers.issue())
                .purpose(headers.purpose())
                .subjects(headers.subjects())
                .iat(iat)
                .build();
    }

    /**
     * The first field, in the order of the record, in which {@code signed} differs from this
     * summary, named for a refusal; empty when they agree. {@code iat} is not compared: its age is
     * the verifier's own check.
     */
    public Optional<String> firstDifference(RequestDigest signed) {
        String field = signed.v() != v ? "v"
                : !signed.id().equals(id) ? "id (" + XRoadHeaders.ID + ")"
                : !signed.client().equals(client) ? "client"
                : !signed.service().equals(service) ? "service"
                : !signed.method().equals(method) ? "method"
                : !signed.path().equals(path) ? "path"
                : !signed.query().equals(query) ? "query"
                : !signed.headersSha256().equals(headersSha256) ? "headers"
                : !signed.bodySha256().equals(bodySha256) ? "body"
                : !Objects.equals(signed.userId(), userId) ? "userId"
                : !Objects.equals(signed.issue(), issue) ? "issue"
                : !Objects.equals(signed.purpose(), purpose) ? "purpose"
                : !signed.subjects().equals(subjects) ? "subjects" : null;
        return Optional.ofNullable(field);
    }

    /** A builder for version {@value #VERSION}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RequestDigest} field by name; {@code userId}, {@code issue}, {@code purpose} may stay unset (null). */
    public static final class Builder {
        private int v = VERSION;
        private String id;
        private ClientId client;
        private ServiceId service;
        private String method;
        private String path;
        private String query = "";
        private String headersSha256;
        private String bodySha256;
        private String userId;
        private String issue;
        private String purpose;
        private List<String> subjects = List.of();
        private long iat;

        private Builder() {
        }

        public Builder v(int v) {
            this.v = v;
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder client(ClientId client) {
            this.client = client;
            return this;
        }

        public Builder service(ServiceId service) {
            this.service = service;
            return this;
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder query(String query) {
            this.query = query;
            return this;
        }

        public Builder headersSha256(String headersSha256) {
            this.headersSha256 = headersSha256;
            return this;
        }

        public Builder bodySha256(String bodySha256) {
            this.bodySha256 = bodySha256;
            return this;
        }

        public Builder userId(String userId) {
            this.userId = userId;
            return this;
        }

        public Builder issue(String issue) {
            this.issue = issue;
            return this;
        }

        public Builder purpose(String purpose) {
            this.purpose = purpose;
            return this;
        }

        public Builder subjects(List<String> subjects) {
            this.subjects = subjects;
            return this;
        }

        public Builder iat(long iat) {
            this.iat = iat;
            return this;
        }

        public RequestDigest build() {
            return new RequestDigest(v, id, client, service, method, path, query, headersSha256, bodySha256, userId,
                    issue, purpose, subjects, iat);
        }
    }
}
